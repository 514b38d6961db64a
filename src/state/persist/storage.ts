import type { PersistStorage, StorageValue } from 'zustand/middleware';
import { PERSIST_VERSION, PersistedStateTooNewError } from './schema';

/** The part of idb-keyval the studio state needs (idb-keyval's get/set/del bound to one custom store). */
export interface KeyValue {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
}

export interface StudioStorage<S> extends PersistStorage<S> {
  /** Resolves once everything handed to setItem so far is written (or failed). */
  flush(): Promise<void>;
  /** True when the stored state is newer than this studio: writes are refused so it stays intact. */
  readonly blocked: boolean;
}

export interface StudioStorageOptions {
  /** A write failed (quota or otherwise); the previous stored state is still there, whole. */
  onWriteError: (error: unknown) => void;
  onBlocked?: (error: PersistedStateTooNewError) => void;
}

/**
 * zustand's persist middleware writes on every state change, and captioning changes state on every decode
 * step. This storage writes behind: identical snapshots are skipped, at most one write is in flight, and
 * only the newest pending snapshot is written after it. One key, one value: each write replaces the whole
 * state atomically, so a failed write leaves the last good state.
 */
export function createStudioStorage<S>(kv: KeyValue, options: StudioStorageOptions): StudioStorage<S> {
  let lastWritten: string | null = null;
  // A snapshot that failed is not retried as is (reporting the failure changes state, which would write
  // the same snapshot again, forever); the next different snapshot is tried.
  let lastFailed: string | null = null;
  let pending: { name: string; json: string } | null = null;
  let inFlight: Promise<void> | null = null;
  let blocked = false;

  const drain = async (): Promise<void> => {
    // Yield first, so the caller has stored this promise in `inFlight` before the loop can end and clear it.
    await Promise.resolve();
    while (pending !== null) {
      const { name, json } = pending;
      pending = null;
      if (json === lastWritten || json === lastFailed) continue;
      try {
        await kv.set(name, json);
        lastWritten = json;
        lastFailed = null;
      } catch (error) {
        lastFailed = json;
        options.onWriteError(error);
      }
    }
    // Same synchronous step as the last `pending` check: a setItem cannot slip in between.
    inFlight = null;
  };

  return {
    get blocked() {
      return blocked;
    },
    async getItem(name) {
      const raw = await kv.get(name);
      if (typeof raw !== 'string') return null;
      let value: StorageValue<S>;
      try {
        value = JSON.parse(raw) as StorageValue<S>;
      } catch {
        return null;
      }
      if (typeof value.version === 'number' && value.version > PERSIST_VERSION) {
        blocked = true;
        options.onBlocked?.(
          new PersistedStateTooNewError(
            `The saved studio state is version ${value.version}, newer than this studio (version ` +
              `${PERSIST_VERSION}). It was left untouched and this tab does not save; use the newer studio.`,
          ),
        );
      }
      lastWritten = raw;
      return value;
    },
    setItem(name, value) {
      if (blocked) return;
      pending = { name, json: JSON.stringify(value) };
      inFlight ??= drain();
      return inFlight;
    },
    async removeItem(name) {
      if (blocked) return;
      pending = null;
      await inFlight;
      await kv.del(name);
      lastWritten = null;
    },
    async flush() {
      while (inFlight !== null) await inFlight;
    },
  };
}
