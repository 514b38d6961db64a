import type { PersistStorage, StorageValue } from 'zustand/middleware';
import type { ChannelLike } from '../../lib/tabs/tab-owner';
import {
  LAYOUT_KEY,
  RECORD_LAYOUT,
  fromRecords,
  isRecordKey,
  isStoredRecord,
  toRecords,
  type LayoutMarker,
  type StoredRecord,
} from './records';
import {
  MIGRATIONS,
  PERSIST_VERSION,
  PersistedStateTooNewError,
  readPersisted,
  runMigrations,
  type PersistedState,
} from './schema';

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

export interface StudioStorage extends PersistStorage<PersistedState> {
  /** Resolves once everything changed so far is written (or failed). */
  flush(): Promise<void>;
  /** True when the stored state is newer than this studio: writes are refused so it stays intact. */
  readonly blocked: boolean;
  /** Reads `keys` again (another tab wrote them) and applies whatever is newer than this tab's copy. */
  reload(keys: readonly string[]): Promise<void>;
  /** Reads every record again (after this tab may have missed messages, e.g. it was frozen). */
  resync(): Promise<void>;
}

export interface StudioStorageOptions {
  /** The persisted part of the live state now (read at write time, never a stale snapshot). */
  current: () => PersistedState;
  /** Records that another tab wrote, newer than this tab's copy: put them in the live state. */
  apply: (changed: ReadonlyMap<string, StoredRecord>) => void;
  /** Tells the other tabs which records this one wrote (a BroadcastChannel in the app). */
  channel?: ChannelLike;
  /** A write failed (quota or otherwise); what was stored before is still there, whole. */
  onWriteError: (error: unknown) => void;
  onBlocked?: (error: PersistedStateTooNewError) => void;
}

/** What one tab tells the others after a write: these record keys changed. */
export interface RecordsChangedMessage {
  type: 'capgrad-records-changed';
  keys: string[];
}
export const isRecordsChanged = (m: unknown): m is RecordsChangedMessage =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'capgrad-records-changed';

/** This tab's copy of one record: the revision it last read or wrote, and the value's JSON (null: deleted). */
interface Known {
  rev: number;
  json: string | null;
  seq?: number;
}

/**
 * The studio state in IndexedDB, one record per card, setting and training field (records.ts), each write
 * guarded by the record's revision: a tab writes only the records whose value it changed, and only over the
 * revision it knows (compare-and-set inside one transaction). A tab holding an old copy therefore cannot
 * erase or roll back what another tab wrote: its write of that record is refused, and the stored record is
 * read back into it instead. After each write the other tabs are told which keys changed and read them.
 *
 * Writes behind, as before: at most one transaction in flight, then one more with everything that changed
 * meanwhile (captioning changes the state on every decode step).
 */
export function createStudioStorage(kv: KeyValue, options: StudioStorageOptions): StudioStorage {
  const known = new Map<string, Known>();
  let hydrated = false;
  let blocked = false;
  let dirty = false;
  let inFlight: Promise<void> | null = null;
  let layoutVersion = PERSIST_VERSION;
  // A change whose write failed is not retried as is (reporting the failure changes state, which would
  // try the same write again, forever); the next different change is tried.
  let lastFailed: string | null = null;

  const remember = (key: string, record: StoredRecord): void => {
    const previous = known.get(key);
    const seq = record.seq ?? previous?.seq;
    known.set(key, {
      rev: record.rev,
      json: record.value === null ? null : JSON.stringify(record.value),
      ...(seq === undefined ? {} : { seq }),
    });
  };

  /** Records newer than this tab's copy go into the live state (the stored one wins every conflict). */
  const takeNewer = (keys: readonly string[], values: readonly unknown[]): void => {
    const changed = new Map<string, StoredRecord>();
    keys.forEach((key, i) => {
      const record = values[i];
      if (!isStoredRecord(record)) return;
      if (record.rev <= (known.get(key)?.rev ?? 0)) return;
      changed.set(key, record);
    });
    if (changed.size === 0) return;
    for (const [key, record] of changed) remember(key, record);
    options.apply(changed);
    // The live state now reads back the stored values; remember their JSON as the live state writes it,
    // so the next diff does not write them back.
    const { values: live } = toRecords(options.current());
    for (const key of changed.keys()) {
      const entry = known.get(key);
      if (entry === undefined) continue;
      const value = live.get(key);
      entry.json = value === undefined ? null : JSON.stringify(value);
    }
  };

  const writeChanges = async (): Promise<void> => {
    const { values, seqs } = toRecords(options.current());
    const writes: { key: string; base: number; record: Omit<StoredRecord, 'rev'>; json: string | null }[] =
      [];
    for (const [key, value] of values) {
      const json = JSON.stringify(value);
      const mine = known.get(key);
      if (mine?.json === json) continue;
      const seq = mine?.seq ?? seqs.get(key);
      writes.push({
        key,
        base: mine?.rev ?? 0,
        record: { value, ...(seq === undefined ? {} : { seq }) },
        json,
      });
    }
    // Only what this tab knew and removed is deleted: a card it never saw is not in `known`.
    for (const [key, mine] of known) {
      if (mine.json !== null && !values.has(key) && key.startsWith('card/')) {
        writes.push({ key, base: mine.rev, record: { value: null }, json: null });
      }
    }
    const markerStale = layoutVersion !== PERSIST_VERSION;
    if (writes.length === 0 && !markerStale) return;
    const signature = JSON.stringify(writes.map((w) => [w.key, w.base, w.json]));
    if (signature === lastFailed) return;

    const keys = writes.map((w) => w.key);
    const written: string[] = [];
    const refused: string[] = [];
    try {
      await kv.updateMany([...keys, LAYOUT_KEY], (stored) => {
        written.length = 0;
        refused.length = 0;
        const puts: Array<[string, unknown]> = [];
        writes.forEach((w, i) => {
          const current = stored[i];
          const rev = isStoredRecord(current) ? current.rev : 0;
          if (rev !== w.base) {
            refused.push(w.key); // another tab wrote it since this tab's copy: that one stands
            return;
          }
          puts.push([w.key, { ...w.record, rev: rev + 1 } satisfies StoredRecord]);
          written.push(w.key);
        });
        if (markerStale) puts.push([LAYOUT_KEY, { layout: RECORD_LAYOUT, version: PERSIST_VERSION }]);
        return puts;
      });
      lastFailed = null;
      layoutVersion = PERSIST_VERSION;
    } catch (error) {
      lastFailed = signature;
      options.onWriteError(error);
      return;
    }
    for (const w of writes) {
      if (!written.includes(w.key)) continue;
      const seq = w.record.seq;
      known.set(w.key, { rev: w.base + 1, json: w.json, ...(seq === undefined ? {} : { seq }) });
    }
    if (written.length > 0) {
      options.channel?.postMessage({
        type: 'capgrad-records-changed',
        keys: written,
      } satisfies RecordsChangedMessage);
    }
    if (refused.length > 0) takeNewer(refused, await kv.getMany(refused));
  };

  const drain = async (): Promise<void> => {
    // Yield first, so the caller has stored this promise in `inFlight` before the loop can end and clear it.
    await Promise.resolve();
    while (dirty) {
      dirty = false;
      await writeChanges();
    }
    inFlight = null;
  };

  const schedule = (): Promise<void> => {
    if (!hydrated || blocked) return Promise.resolve();
    dirty = true;
    inFlight ??= drain();
    return inFlight;
  };

  /** The one-key layout (the whole state under `name`, last writer wins) becomes records, once. */
  const migrateOneKeyLayout = async (name: string): Promise<void> => {
    const raw = await kv.get(name);
    let entries: Array<[string, unknown]> = [];
    let version = PERSIST_VERSION;
    if (typeof raw === 'string') {
      let old: StorageValue<unknown> | null = null;
      try {
        old = JSON.parse(raw) as StorageValue<unknown>;
      } catch {
        old = null; // unreadable: the studio starts empty, as it did before
      }
      if (old !== null && typeof old.version === 'number' && old.version > PERSIST_VERSION) {
        blockFor(old.version);
        return;
      }
      if (old !== null) {
        const state = readPersisted(
          runMigrations(
            old.state,
            typeof old.version === 'number' ? old.version : 0,
            PERSIST_VERSION,
            MIGRATIONS,
          ),
        );
        version = PERSIST_VERSION;
        const { values, seqs } = toRecords(state);
        entries = [...values].map(([key, value]) => {
          const seq = seqs.get(key);
          return [key, { rev: 1, value, ...(seq === undefined ? {} : { seq }) } satisfies StoredRecord];
        });
      }
    }
    // Guarded by the marker in the same transaction: two tabs migrating at once do it once.
    await kv.updateMany([LAYOUT_KEY], ([marker]) =>
      marker !== undefined
        ? []
        : [
            ...entries,
            [LAYOUT_KEY, { layout: RECORD_LAYOUT, version } satisfies LayoutMarker],
            [name, undefined],
          ],
    );
  };

  const blockFor = (version: number): void => {
    blocked = true;
    options.onBlocked?.(
      new PersistedStateTooNewError(
        `The saved studio state is version ${version}, newer than this studio (version ` +
          `${PERSIST_VERSION}). It was left untouched and this tab does not save; use the newer studio.`,
      ),
    );
  };

  const readAll = async (): Promise<{ keys: string[]; values: unknown[] }> => {
    const keys = (await kv.keys()).filter(isRecordKey);
    return { keys, values: await kv.getMany(keys) };
  };

  return {
    get blocked() {
      return blocked;
    },
    async getItem(name) {
      try {
        let marker = (await kv.get(LAYOUT_KEY)) as LayoutMarker | undefined;
        if (marker === undefined) {
          await migrateOneKeyLayout(name);
          if (blocked) return null;
          marker = (await kv.get(LAYOUT_KEY)) as LayoutMarker | undefined;
        }
        const version = typeof marker?.version === 'number' ? marker.version : PERSIST_VERSION;
        if (version > PERSIST_VERSION) {
          blockFor(version);
          return null;
        }
        layoutVersion = version;
        const { keys, values } = await readAll();
        const records = new Map<string, StoredRecord>();
        keys.forEach((key, i) => {
          const record = values[i];
          if (!isStoredRecord(record)) return;
          remember(key, record);
          records.set(key, record);
        });
        if (records.size === 0) return null; // nothing saved yet: a first visit
        return { state: fromRecords(records), version };
      } finally {
        hydrated = true;
      }
    },
    setItem: () => schedule(),
    async removeItem() {
      // Clearing the whole studio is not something a tab does to the others; nothing calls it.
    },
    async flush() {
      while (inFlight !== null) await inFlight;
    },
    async reload(keys) {
      const wanted = keys.filter(isRecordKey);
      if (!hydrated || wanted.length === 0) return;
      takeNewer(wanted, await kv.getMany(wanted));
    },
    async resync() {
      if (!hydrated) return;
      const { keys, values } = await readAll();
      takeNewer(keys, values);
    },
  };
}
