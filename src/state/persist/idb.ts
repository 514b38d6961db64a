import { createStore, del, get, getMany, keys, promisifyRequest, set } from 'idb-keyval';
import type { KeyValue } from './key-value';

/** The studio state's own IndexedDB database (image bytes and models live in src/lib/store's areas). */
export const STATE_DB = { database: 'capgrad-ui', store: 'state' } as const;

/** idb-keyval bound to one database and object store. */
export function idbKeyValue(database: string = STATE_DB.database, store: string = STATE_DB.store): KeyValue {
  const target = createStore(database, store);
  return {
    get: (key) => get(key, target),
    set: (key, value) => set(key, value, target),
    del: (key) => del(key, target),
    keys: () => keys<string>(target),
    getMany: (list) => getMany(list, target),
    // Reads and writes in one readwrite transaction (as idb-keyval's own `update` does for one key), so a
    // compare-and-set from another tab cannot slip in between the read and the write.
    updateMany: (list, change) =>
      target('readwrite', (objectStore) =>
        Promise.all(list.map((key) => promisifyRequest(objectStore.get(key)))).then((values) => {
          for (const [key, value] of change(values)) {
            if (value === undefined) objectStore.delete(key);
            else objectStore.put(value, key);
          }
          return promisifyRequest(objectStore.transaction);
        }),
      ),
  };
}
