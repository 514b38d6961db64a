import 'fake-indexeddb/auto';
import type { KvArea, StoreBackend } from '../../../src/lib/store';
import { idbKeyvalBackend } from '../../../src/lib/store';

let counter = 0;
/** A fresh set of fake IndexedDB databases per call, so tests do not see each other's data. */
export function freshBackend(): { backend: StoreBackend; prefix: string } {
  const prefix = `test-${process.pid}-${++counter}`;
  return { backend: idbKeyvalBackend(prefix), prefix };
}

/** Accounts the bytes written per area and fails like a full disk once `limit` would be passed. */
export function quotaLimited(inner: StoreBackend, limit: number): StoreBackend & { used: () => number } {
  let used = 0;
  const sizeOf = (value: unknown): number => {
    if (value instanceof Uint8Array) return value.byteLength;
    if (typeof value === 'object' && value !== null) {
      return Object.values(value).reduce<number>((sum, v) => sum + sizeOf(v), 16);
    }
    return 8;
  };
  const fail = () => Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
  const backend = (name: Parameters<StoreBackend>[0]): KvArea => {
    const area = inner(name);
    const charge = (entries: Array<[string, unknown]>) => {
      const size = entries.reduce((sum, [, v]) => sum + sizeOf(v), 0);
      if (used + size > limit) return false;
      used += size;
      return true;
    };
    return {
      ...area,
      setMany: (entries) => (charge(entries) ? area.setMany(entries) : fail()),
      setManyIfAbsent: (guard, entries) => (charge(entries) ? area.setManyIfAbsent(guard, entries) : fail()),
      update: (key, updater) => (charge([[key, 1]]) ? area.update(key, updater) : fail()),
    };
  };
  return Object.assign(backend, { used: () => used });
}

/**
 * A backend that is NOT atomic: a multi-entry write stores its first entries one by one and then
 * dies (a crash, or an engine without transactions). The load-time repair must clean up after it.
 */
export function tornWrites(inner: StoreBackend, entriesBeforeCrash: number): StoreBackend {
  return (name) => {
    const area = inner(name);
    const torn = async (entries: Array<[string, unknown]>) => {
      for (const entry of entries.slice(0, entriesBeforeCrash)) await area.setMany([entry]);
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    return {
      ...area,
      setMany: (entries) => (entries.length > 1 ? torn(entries) : area.setMany(entries)),
      setManyIfAbsent: (_guard, entries) => torn(entries).then(() => true),
    };
  };
}
