/**
 * The critic's part of the UI state, saved beside the studio's (same IndexedDB key-value store, its own key
 * and version), written behind: at most one write in flight, only the newest snapshot after it, identical
 * snapshots skipped. What is saved: the items (statuses, scores, decisions, cache keys), the settings, the
 * pause intent, and the API key only when the person ticked "save key on this device".
 */
import type { StoreApi } from 'zustand/vanilla';
import type { CriticItem, CriticStatus, Decision } from '../../lib/critic-run/records';
import type { KeyValue } from '../persist/storage';
import type { StudioState } from '../studio-state';
import type { CriticSettings, CriticState } from './slice';
import { DEFAULT_CRITIC_SETTINGS } from './slice';
import { isValidOverlap } from './teacher-settings';

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
  const item = v as unknown as CriticItem;
  return {
    ...item,
    captionModel: typeof item.captionModel === 'string' ? item.captionModel : '',
    status: status === 'evidence' || status === 'refining' ? 'queued' : status,
    decision,
  };
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

export interface CriticPersistence {
  /** Resolves when the saved state is in the store. */
  hydrated: Promise<void>;
  /** Resolves when every change so far is written. */
  flush(): Promise<void>;
  dispose(): void;
}

export function persistCritic(
  api: StoreApi<StudioState>,
  kv: KeyValue,
  onError: (error: unknown) => void,
): CriticPersistence {
  let last: string | null = null;
  let pending: string | null = null;
  let inFlight: Promise<void> | null = null;
  let ready = false;
  const drain = async (): Promise<void> => {
    await Promise.resolve();
    while (pending !== null) {
      const json = pending;
      pending = null;
      if (json === last) continue;
      try {
        await kv.set(CRITIC_PERSIST_KEY, json);
        last = json;
      } catch (error) {
        onError(error);
      }
    }
    inFlight = null;
  };
  const save = (c: CriticState): void => {
    if (!ready) return;
    pending = JSON.stringify(toSavedCritic(c));
    inFlight ??= drain();
  };
  const unsubscribe = api.subscribe((s, prev) => {
    if (s.critic !== prev.critic) save(s.critic);
  });
  const hydrated = (async () => {
    try {
      const raw = await kv.get(CRITIC_PERSIST_KEY);
      const saved = readSavedCritic(raw);
      if (saved !== null) {
        last = typeof raw === 'string' ? raw : null;
        api.getState().criticRestore(saved);
      }
    } catch (error) {
      onError(error);
    } finally {
      ready = true;
      save(api.getState().critic);
    }
  })();
  return {
    hydrated,
    async flush() {
      await hydrated;
      while (inFlight !== null) await inFlight;
    },
    dispose: unsubscribe,
  };
}
