import { createStore, del, get, set } from 'idb-keyval';
import type { KeyValue } from './storage';

/** The studio state's own IndexedDB database (image bytes and models live in src/lib/store's areas). */
export const STATE_DB = { database: 'capgrad-ui', store: 'state' } as const;

/** idb-keyval bound to one database and object store. */
export function idbKeyValue(database: string = STATE_DB.database, store: string = STATE_DB.store): KeyValue {
  const target = createStore(database, store);
  return {
    get: (key) => get(key, target),
    set: (key, value) => set(key, value, target),
    del: (key) => del(key, target),
  };
}
