/** The areas of the studio's database; each is one idb-keyval custom store. */
export const AREA_NAMES = ['meta', 'images', 'captions', 'jobs', 'settings', 'cache', 'checkpoints'] as const;
export type AreaName = (typeof AREA_NAMES)[number];

/**
 * The few key-value operations the store needs. Keys are strings; values are structured-clonable.
 * Implemented over idb-keyval in the app (idb-keyval-backend.ts) and wrapped in tests to simulate
 * a full disk.
 */
export interface KvArea {
  get<T>(key: string): Promise<T | undefined>;
  getMany<T>(keys: string[]): Promise<Array<T | undefined>>;
  /** Writes every entry in ONE transaction: all of them are stored or none. */
  setMany(entries: Array<[string, unknown]>): Promise<void>;
  /**
   * Like setMany, in the same transaction as a check that `guardKey` is absent: returns false and
   * writes nothing when it is present (two drops of the same file racing each other store it once).
   */
  setManyIfAbsent(guardKey: string, entries: Array<[string, unknown]>): Promise<boolean>;
  delMany(keys: string[]): Promise<void>;
  keys(): Promise<string[]>;
  /** Atomic read-modify-write of one key; `updater` must be synchronous. */
  update<T>(key: string, updater: (old: T | undefined) => T): Promise<void>;
}

export type StoreBackend = (area: AreaName) => KvArea;

export type Areas = Record<AreaName, KvArea>;

export function openAreas(backend: StoreBackend): Areas {
  return Object.fromEntries(AREA_NAMES.map((name) => [name, backend(name)])) as Areas;
}

export async function keysWithPrefix(area: KvArea, prefix: string): Promise<string[]> {
  return (await area.keys()).filter((key) => key.startsWith(prefix));
}
