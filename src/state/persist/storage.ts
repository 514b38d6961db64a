import type { PersistStorage, StorageValue } from 'zustand/middleware';
import type { ChannelLike } from '../../lib/core/tabs/tab-owner';
import { createRecordSync } from './record-sync';
import {
  LAYOUT_KEY,
  RECORD_LAYOUT,
  fromRecords,
  isDeletableRecordKey,
  isRecordKey,
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
import type { KeyValue } from './key-value';
import { isPlainObject } from './valid';

/**
 * Typed `unknown`, not PersistedState: what getItem returns was written by this or an older studio, and the
 * persist middleware hands it to `migrate` and `merge` (both take unknown), which validate it (readPersisted).
 * Writes ignore the value given: they read the live state through `current`.
 */
export interface StudioStorage extends PersistStorage<unknown> {
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

export { isRecordsChanged, type RecordsChangedMessage } from './record-sync';

/** The values' version the layout marker records; a marker without one (or none) reads as today's version. */
function storedVersionOf(marker: unknown): number {
  const version = isPlainObject(marker) ? marker['version'] : undefined;
  return typeof version === 'number' ? version : PERSIST_VERSION;
}

/**
 * The one-key layout's value (`{ state, version }`); null stored reads as nothing saved. Anything else without
 * a version reads as version 0, which no migration starts from: it is reported unreadable, as it always was.
 */
function readOneKeyValue(value: unknown): StorageValue<unknown> | null {
  if (value === null) return null;
  const fields = isPlainObject(value) ? value : {};
  const version = fields['version'];
  return { state: fields['state'], ...(typeof version === 'number' ? { version } : {}) };
}

/**
 * The studio state in IndexedDB, one record per card, setting, training field and checkpoint row
 * (records.ts), each write guarded by the record's revision (record-sync.ts: compare-and-set inside one
 * transaction, so a tab holding an old copy cannot erase or roll back what another tab wrote). This file adds
 * what only the studio's records have: the persist middleware's interface, the layout marker with the values'
 * version, and the one-time migration of the one-key layout.
 */
export function createStudioStorage(kv: KeyValue, options: StudioStorageOptions): StudioStorage {
  let blocked = false;
  let layoutVersion = PERSIST_VERSION;
  const sync = createRecordSync(kv, {
    owns: isRecordKey,
    deletable: isDeletableRecordKey,
    current: () => toRecords(options.current()),
    apply: options.apply,
    ...(options.channel === undefined ? {} : { channel: options.channel }),
    onWriteError: options.onWriteError,
    // The marker says which version the values were written in: rewritten with the first write after a
    // migration of the values (persist middleware), in the same transaction.
    alsoWrite: () =>
      layoutVersion === PERSIST_VERSION
        ? []
        : [[LAYOUT_KEY, { layout: RECORD_LAYOUT, version: PERSIST_VERSION } satisfies LayoutMarker]],
    onCommitted: () => (layoutVersion = PERSIST_VERSION),
  });

  /** The one-key layout (the whole state under `name`, last writer wins) becomes records, once. */
  const migrateOneKeyLayout = async (name: string): Promise<void> => {
    const raw = await kv.get(name);
    let entries: Array<[string, unknown]> = [];
    let version = PERSIST_VERSION;
    if (typeof raw === 'string') {
      let old: StorageValue<unknown> | null = null;
      try {
        old = readOneKeyValue(JSON.parse(raw));
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
    sync.block();
    options.onBlocked?.(
      new PersistedStateTooNewError(
        `The saved studio state is version ${version}, newer than this studio (version ` +
          `${PERSIST_VERSION}). It was left untouched and this tab does not save; use the newer studio.`,
      ),
    );
  };

  return {
    get blocked() {
      return blocked;
    },
    async getItem(name) {
      let read = false;
      try {
        let marker: unknown = await kv.get(LAYOUT_KEY);
        if (marker === undefined) {
          await migrateOneKeyLayout(name);
          if (blocked) return null;
          marker = await kv.get(LAYOUT_KEY);
        }
        const version = storedVersionOf(marker);
        if (version > PERSIST_VERSION) {
          blockFor(version);
          return null;
        }
        layoutVersion = version;
        const records = await sync.hydrate();
        read = true;
        if (records.size === 0) return null; // nothing saved yet: a first visit
        return { state: fromRecords(records), version };
      } finally {
        if (!read) sync.start();
      }
    },
    setItem: () => sync.schedule(),
    async removeItem() {
      // Clearing the whole studio is not something a tab does to the others; nothing calls it.
    },
    flush: () => sync.flush(),
    reload: (keys) => sync.reload(keys),
    resync: () => sync.resync(),
  };
}
