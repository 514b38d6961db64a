/** The part of idb-keyval the studio state needs (bound to one custom store). */
export interface KeyValue {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  keys(): Promise<string[]>;
  getMany(keys: string[]): Promise<unknown[]>;
  /**
   * One atomic read-modify-write (one IndexedDB transaction): `change` sees the current values of `keys`
   * and returns what to write (undefined deletes). Two tabs' calls never interleave.
   */
  updateMany(keys: string[], change: (values: unknown[]) => Array<[string, unknown]>): Promise<void>;
}
