import {
  createStore,
  delMany,
  getMany,
  get,
  keys,
  promisifyRequest,
  update,
  type UseStore,
} from 'idb-keyval';
import type { AreaName, KvArea, StoreBackend } from './kv';

/**
 * One IndexedDB database per area (`<prefix>-<area>`), because idb-keyval's createStore opens one
 * object store per database. IndexedDB itself is found on the global scope when an area is first
 * used (the window, a worker, or fake-indexeddb in tests), never at import.
 */
export function idbKeyvalBackend(prefix = 'capgrad'): StoreBackend {
  const stores = new Map<AreaName, UseStore>();
  return (name) => {
    let store = stores.get(name);
    if (!store) {
      store = createStore(`${prefix}-${name}`, name);
      stores.set(name, store);
    }
    return idbArea(store);
  };
}

type IdbRequestLike = Parameters<typeof promisifyRequest>[0];

/** The part of IDBObjectStore used here (src/lib compiles without the DOM's IndexedDB types). */
interface MinimalObjectStore {
  get(key: string): IdbRequestLike;
  put(value: unknown, key: string): unknown;
  transaction: IdbRequestLike & { abort(): void };
}

/**
 * Queue every put in the current transaction and resolve when it commits. A put that throws (a
 * value that cannot be cloned) aborts the transaction, so the puts before it are rolled back too:
 * idb-keyval's own setMany would let those commit.
 */
function putAll(objectStore: MinimalObjectStore, entries: Array<[string, unknown]>): Promise<void> {
  try {
    for (const [key, value] of entries) objectStore.put(value, key);
  } catch (error) {
    objectStore.transaction.abort();
    return Promise.reject(error);
  }
  return promisifyRequest(objectStore.transaction);
}

function idbArea(store: UseStore): KvArea {
  return {
    get: <T>(key: string) => get<T>(key, store),
    getMany: <T>(list: string[]) => getMany<T>(list, store),
    setMany: (entries) =>
      store('readwrite', (objectStore: MinimalObjectStore) => putAll(objectStore, entries)),
    setManyIfAbsent: (guardKey, entries) =>
      store('readwrite', (objectStore: MinimalObjectStore) =>
        promisifyRequest(objectStore.get(guardKey)).then((existing) =>
          existing === undefined ? putAll(objectStore, entries).then(() => true) : false,
        ),
      ),
    delMany: (list) => delMany(list, store),
    keys: () => keys<string>(store),
    update: <T>(key: string, updater: (old: T | undefined) => T) => update<T>(key, updater, store),
  };
}
