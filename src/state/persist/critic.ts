/**
 * The critic's part of the UI state, saved beside the studio's (same IndexedDB key-value store) as records:
 * one per critique item, one each for the settings, the pause intent, and the API key only when the person
 * ticked "save key on this device". Written behind with the studio's revision logic (record-sync.ts), so a tab
 * with an old copy cannot erase another tab's critiques; the other tabs hear which records changed. The
 * one-key layout (`critic`, version 1) is read by readSavedCritic and migrated once.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { EvidenceCalibration } from '../../lib/critic/calibration';
import { readCalibration } from '../../lib/critic/evidence-calibration';
import type { CriticItem, CriticStatus, Decision } from '../../lib/critic/records';
import { readBacking } from '../../lib/critic/records';
import type { ChannelLike } from '../../lib/core/tabs/tab-owner';
import { createRecordSync, isRecordsChanged } from './record-sync';
import type { StoredRecord } from './records';
import type { KeyValue } from './storage';
import type { StudioState } from '../studio-state';
import type { CriticSettings, CriticState } from '../slices/critic';
import { DEFAULT_CRITIC_SETTINGS, INITIAL_CRITIC } from '../slices/critic';
import { isValidOverlap } from '../slices/teacher-settings';

/** The one-key layout's key (migrated to records on the first load). */
export const CRITIC_PERSIST_KEY = 'critic';
export const CRITIC_PERSIST_VERSION = 1;

interface SavedV1 {
  version: 1;
  items: Record<string, CriticItem>;
  settings: CriticSettings;
  paused: boolean;
  apiKey?: string;
}

const STATUSES: readonly CriticStatus[] = ['queued', 'evidence', 'refining', 'done', 'failed', 'cancelled'];
const DECISIONS: readonly Decision[] = ['pending', 'accepted', 'edited', 'rejected'];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An item as read back, or null; work that a reload interrupted comes back queued. */
function readItem(id: string, v: unknown): CriticItem | null {
  if (!isRecord(v) || v['imageId'] !== id || typeof v['caption'] !== 'string') return null;
  const status = STATUSES.includes(v['status'] as CriticStatus) ? (v['status'] as CriticStatus) : null;
  const decision = DECISIONS.includes(v['decision'] as Decision) ? (v['decision'] as Decision) : 'pending';
  if (status === null) return null;
  const { backed: _backed, unbackedChanges: _changes, ...item } = v as unknown as CriticItem;
  return {
    ...item,
    captionModel: typeof item.captionModel === 'string' ? item.captionModel : '',
    status: status === 'evidence' || status === 'refining' ? 'queued' : status,
    decision,
    ...readBacking(v),
  };
}

/** A stored calibration table, or null when there is none or it does not read back whole. */
function readStoredCalibration(v: unknown): EvidenceCalibration | null {
  if (v === null || v === undefined) return null;
  try {
    return readCalibration(v);
  } catch {
    return null;
  }
}

function readSettings(v: unknown): CriticSettings {
  if (!isRecord(v)) return DEFAULT_CRITIC_SETTINGS;
  const d = DEFAULT_CRITIC_SETTINGS;
  const teacher = isRecord(v['teacher']) ? v['teacher'] : {};
  const openai = isRecord(v['openai']) ? v['openai'] : {};
  const pick = <T>(value: unknown, fallback: T, ok: (x: unknown) => boolean): T =>
    ok(value) ? (value as T) : fallback;
  const str = (x: unknown) => typeof x === 'string';
  const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  const ints = (x: unknown) => Array.isArray(x) && x.every((n) => Number.isInteger(n) && n >= 1 && n <= 8);
  return {
    engine: pick(v['engine'], d.engine, (x) => x === 'template' || x === 'openai' || x === 'transformers'),
    openai: {
      baseUrl: pick(openai['baseUrl'], d.openai.baseUrl, str),
      model: pick(openai['model'], d.openai.model, str),
      saveKey: openai['saveKey'] === true,
    },
    transformersModelId: pick(v['transformersModelId'], d.transformersModelId, str),
    maxSteps: pick(
      v['maxSteps'],
      d.maxSteps,
      (x) => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= 10,
    ),
    ensemble: v['ensemble'] === true,
    calibrated: v['calibrated'] === true,
    calibrationTable: readStoredCalibration(v['calibrationTable']),
    teacher: {
      useFlorence: pick(teacher['useFlorence'], d.teacher.useFlorence, (x) => typeof x === 'boolean'),
      florenceModelId: pick(teacher['florenceModelId'], d.teacher.florenceModelId, str),
      device: pick(
        teacher['device'],
        d.teacher.device,
        (x) => x === 'auto' || x === 'webgpu' || x === 'wasm',
      ),
      grids: pick(teacher['grids'], d.teacher.grids, ints),
      overlap: pick(teacher['overlap'], d.teacher.overlap, isValidOverlap),
      denseZooms: pick(teacher['denseZooms'], d.teacher.denseZooms, ints),
      maxNewTokens: pick(teacher['maxNewTokens'], d.teacher.maxNewTokens, num),
      numBeams: pick(teacher['numBeams'], d.teacher.numBeams, num),
    },
  };
}

/** The saved value, validated field by field; anything unreadable falls back to defaults (never a crash). */
export function readSavedCritic(
  raw: unknown,
): { items: Record<string, CriticItem>; settings: CriticSettings; paused: boolean; apiKey: string } | null {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (!isRecord(value) || value['version'] !== CRITIC_PERSIST_VERSION) return null;
  const items: Record<string, CriticItem> = {};
  if (isRecord(value['items'])) {
    for (const [id, v] of Object.entries(value['items'])) {
      const item = readItem(id, v);
      if (item !== null) items[id] = item;
    }
  }
  const settings = readSettings(value['settings']);
  const apiKey = settings.openai.saveKey && typeof value['apiKey'] === 'string' ? value['apiKey'] : '';
  return { items, settings, paused: value['paused'] === true, apiKey };
}

export function toSavedCritic(c: CriticState): SavedV1 {
  return {
    version: 1,
    items: c.items,
    settings: c.settings,
    paused: c.run.paused,
    ...(c.settings.openai.saveKey && c.apiKey !== '' ? { apiKey: c.apiKey } : {}),
  };
}

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
function fromCriticRecords(records: ReadonlyMap<string, StoredRecord>): ReturnType<typeof readSavedCritic> {
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
      const item = record.value === null ? null : readItem(id, record.value);
      if (item === null) s.criticRemoveItem(id);
      else s.criticPutItem(item);
    } else if (key === SETTINGS_KEY && record.value !== null) {
      s.criticSetSettings(readSettings(record.value));
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
