/**
 * The critic's part of the UI state, saved beside the studio's (same IndexedDB key-value store) as records:
 * one per critique item, one each for the settings, the pause intent, and the API key only when the person
 * ticked "save key on this device". Written behind with the studio's revision logic (record-sync.ts), so a tab
 * with an old copy cannot erase another tab's critiques; the other tabs hear which records changed. The
 * one-key layout (`critic`, version 1) is read by readSavedCritic (critic-saved.ts) and migrated once.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { ChannelLike } from '../../lib/core/tabs/tab-owner';
import { createRecordSync, isRecordsChanged } from './record-sync';
import type { StoredRecord } from './records';
import type { KeyValue } from './key-value';
import type { StudioState } from '../studio-state';
import type { CriticState } from '../slices/critic';
import { INITIAL_CRITIC } from '../slices/critic';
import {
  CRITIC_PERSIST_KEY,
  CRITIC_PERSIST_VERSION,
  readCriticItem,
  readCriticSettings,
  readSavedCritic,
  toSavedCritic,
  type SavedCritic,
} from './critic-saved';

/**
 * The critic's records, one IndexedDB key each beside the studio's (record-sync.ts guards every write with the
 * record's revision): one per critique item, so two tabs never drop each other's critiques, and one each for
 * the settings, the pause intent and the saved API key.
 */
export const CRITIC_PREFIX = 'critic/';
export const CRITIC_ITEM_PREFIX = `${CRITIC_PREFIX}item/`;
const SETTINGS_KEY = `${CRITIC_PREFIX}settings`;
const PAUSED_KEY = `${CRITIC_PREFIX}paused`;
const API_KEY_KEY = `${CRITIC_PREFIX}apiKey`;
const ownsKey = (key: string): boolean => key.startsWith(CRITIC_PREFIX);

/** The critic's part of the live state cut into records (key → value). */
export function toCriticRecords(c: CriticState): Map<string, unknown> {
  const saved = toSavedCritic(c);
  const values = new Map<string, unknown>();
  for (const [id, item] of Object.entries(saved.items)) values.set(CRITIC_ITEM_PREFIX + id, item);
  values.set(SETTINGS_KEY, saved.settings);
  values.set(PAUSED_KEY, saved.paused);
  if (saved.apiKey !== undefined) values.set(API_KEY_KEY, saved.apiKey);
  return values;
}

/** Records (as stored) read back in the one-key layout's shape, validated by readSavedCritic. */
function fromCriticRecords(records: ReadonlyMap<string, StoredRecord>): SavedCritic | null {
  const items: Record<string, unknown> = {};
  const saved: Record<string, unknown> = { version: CRITIC_PERSIST_VERSION, items };
  for (const [key, record] of records) {
    if (record.value === null) continue;
    if (key.startsWith(CRITIC_ITEM_PREFIX)) items[key.slice(CRITIC_ITEM_PREFIX.length)] = record.value;
    else if (key === SETTINGS_KEY) saved['settings'] = record.value;
    else if (key === PAUSED_KEY) saved['paused'] = record.value;
    else if (key === API_KEY_KEY) saved['apiKey'] = record.value;
  }
  return readSavedCritic(saved);
}

/**
 * The one-key layout (every critique under `critic`, last writer wins) becomes records, once: in one
 * transaction that also deletes the old key, so two tabs opening at once migrate it once, and a record a tab
 * already wrote is not overwritten by the old copy.
 */
async function migrateOneKeyCritic(kv: KeyValue): Promise<void> {
  const raw = await kv.get(CRITIC_PERSIST_KEY);
  if (raw === undefined) return;
  const saved = readSavedCritic(raw);
  const values =
    saved === null
      ? new Map<string, unknown>()
      : toCriticRecords({
          ...INITIAL_CRITIC,
          items: saved.items,
          settings: saved.settings,
          apiKey: saved.apiKey,
          run: { ...INITIAL_CRITIC.run, paused: saved.paused },
        });
  const keys = [...values.keys()];
  await kv.updateMany([CRITIC_PERSIST_KEY, ...keys], ([old, ...stored]) => {
    if (old === undefined) return []; // another tab migrated it meanwhile
    const puts: Array<[string, unknown]> = [];
    keys.forEach((key, i) => {
      if (stored[i] === undefined)
        puts.push([key, { rev: 1, value: values.get(key) } satisfies StoredRecord]);
    });
    return [...puts, [CRITIC_PERSIST_KEY, undefined]];
  });
}

/** What another tab wrote, put in this tab's critic (interrupted work reads as queued, as after a reload). */
function applyCriticRecords(api: StoreApi<StudioState>, changed: ReadonlyMap<string, StoredRecord>): void {
  const s = api.getState();
  for (const [key, record] of changed) {
    if (key.startsWith(CRITIC_ITEM_PREFIX)) {
      const id = key.slice(CRITIC_ITEM_PREFIX.length);
      const item = record.value === null ? null : readCriticItem(id, record.value);
      if (item === null) s.criticRemoveItem(id);
      else s.criticPutItem(item);
    } else if (key === SETTINGS_KEY && record.value !== null) {
      s.criticSetSettings(readCriticSettings(record.value));
    } else if (key === PAUSED_KEY) {
      s.criticRunPatch({ paused: record.value === true });
    } else if (key === API_KEY_KEY) {
      if (typeof record.value === 'string') s.criticSetApiKey(record.value);
    }
  }
}

export interface CriticPersistence {
  /** Resolves when the saved state is in the store. */
  hydrated: Promise<void>;
  /** Resolves when every change so far is written. */
  flush(): Promise<void>;
  /** Calls `listener` after critiques another tab wrote reached this tab (the owner runs what was queued). */
  onRemoteChange(listener: () => void): () => void;
  /** Reads every critic record again (a tab that was hidden may have missed messages). */
  resync(): Promise<void>;
  dispose(): void;
}

export interface CriticPersistOptions {
  /** Where the tabs tell each other which records they wrote (the studio's records channel). */
  channel?: ChannelLike;
}

export function persistCritic(
  api: StoreApi<StudioState>,
  kv: KeyValue,
  onError: (error: unknown) => void,
  options: CriticPersistOptions = {},
): CriticPersistence {
  const remoteListeners = new Set<() => void>();
  const sync = createRecordSync(kv, {
    owns: ownsKey,
    deletable: (key) => key.startsWith(CRITIC_ITEM_PREFIX) || key === API_KEY_KEY,
    current: () => ({ values: toCriticRecords(api.getState().critic) }),
    apply: (changed) => {
      applyCriticRecords(api, changed);
      for (const listener of [...remoteListeners]) listener();
    },
    ...(options.channel === undefined ? {} : { channel: options.channel }),
    onWriteError: onError,
  });
  const unsubscribe = api.subscribe((s, prev) => {
    if (s.critic !== prev.critic) void sync.schedule();
  });
  const unsubscribeChannel =
    options.channel?.subscribe((message) => {
      if (isRecordsChanged(message)) void sync.reload(message.keys);
    }) ?? (() => {});
  const hydrated = (async () => {
    let read = false;
    try {
      await migrateOneKeyCritic(kv);
      const records = await sync.hydrate();
      read = true;
      const saved = records.size === 0 ? null : fromCriticRecords(records);
      if (saved !== null) api.getState().criticRestore(saved);
    } catch (error) {
      onError(error);
    } finally {
      if (!read) sync.start();
      void sync.schedule(); // what changed while loading (and defaults on a first visit) is written now
    }
  })();
  return {
    hydrated,
    async flush() {
      await hydrated;
      await sync.flush();
    },
    onRemoteChange(listener) {
      remoteListeners.add(listener);
      return () => remoteListeners.delete(listener);
    },
    resync: () => sync.resync(),
    dispose() {
      unsubscribe();
      unsubscribeChannel();
    },
  };
}
