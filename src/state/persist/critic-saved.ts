/**
 * The critic's saved values read back: a critique item, the critic's settings, and the one-key layout
 * (`critic`, version 1) that came before the records. Each is validated field by field (valid.ts): an item
 * without its image, caption or status is dropped; a damaged setting takes its default.
 */
import * as v from 'valibot';
import type { EvidenceCalibration } from '../../lib/critic/calibration';
import { readCalibration } from '../../lib/critic/evidence-calibration';
import type { StopReason } from '../../lib/critic/loop';
import { readBacking, type CriticItem, type CriticStatus, type Decision } from '../../lib/critic/records';
import type { CriticSettings, CriticState } from '../slices/critic';
import { DEFAULT_CRITIC_SETTINGS } from '../slices/critic';
import { isValidOverlap } from '../slices/teacher-settings';
import {
  errorInfo,
  isPlainObject,
  objectOrEmpty,
  onlyTrue,
  optionalField,
  readOrNull,
  readWith,
} from './valid';

/** The one-key layout's key (migrated to records on the first load). */
export const CRITIC_PERSIST_KEY = 'critic';
export const CRITIC_PERSIST_VERSION = 1;

export interface SavedV1 {
  version: 1;
  items: Record<string, CriticItem>;
  settings: CriticSettings;
  paused: boolean;
  apiKey?: string;
}

/** The saved critic as read back: what the slice's criticRestore takes. */
export interface SavedCritic {
  items: Record<string, CriticItem>;
  settings: CriticSettings;
  paused: boolean;
  apiKey: string;
}

const STATUSES = [
  'queued',
  'evidence',
  'refining',
  'done',
  'failed',
  'cancelled',
] as const satisfies readonly CriticStatus[];
const DECISIONS = ['pending', 'accepted', 'edited', 'rejected'] as const satisfies readonly Decision[];
const STOPS = ['clean', 'max-steps', 'no-change', 'failure'] as const satisfies readonly StopReason[];

/** An item's fields but `backed` and `unbackedChanges`, which readBacking reads (they go together). */
const storedItem = v.object({
  imageId: v.string(),
  caption: v.string(),
  captionModel: v.fallback(v.string(), ''),
  status: v.picklist(STATUSES),
  error: optionalField(errorInfo),
  evidenceKey: optionalField(v.string()),
  refinementKey: optionalField(v.string()),
  engine: optionalField(v.string()),
  originalScore: optionalField(v.number()),
  bestScore: optionalField(v.number()),
  refined: optionalField(v.string()),
  versions: optionalField(v.number()),
  stop: optionalField(v.picklist(STOPS)),
  failures: optionalField(v.number()),
  decision: v.fallback(v.picklist(DECISIONS), 'pending'),
  target: optionalField(v.string()),
  targetScore: optionalField(v.number()),
  decidedAt: optionalField(v.number()),
});

/** An item as read back, or null; work that a reload interrupted comes back queued. */
export function readCriticItem(id: string, value: unknown): CriticItem | null {
  const item = readOrNull(storedItem, value);
  if (item === null || !isPlainObject(value) || item.imageId !== id) return null;
  const interrupted = item.status === 'evidence' || item.status === 'refining';
  return { ...item, status: interrupted ? 'queued' : item.status, ...readBacking(value) };
}

/** A stored calibration table, or null when there is none or it does not read back whole. */
function readStoredCalibration(value: unknown): EvidenceCalibration | null {
  if (value === null || value === undefined) return null;
  try {
    return readCalibration(value);
  } catch {
    return null;
  }
}

const d = DEFAULT_CRITIC_SETTINGS;
/** Zoom levels as grid sizes: whole numbers 1 to 8. */
const gridSizes = v.array(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(8)));
const criticSettings = v.object({
  engine: v.fallback(v.picklist(['template', 'openai', 'transformers']), d.engine),
  openai: objectOrEmpty(
    v.object({
      baseUrl: v.fallback(v.string(), d.openai.baseUrl),
      model: v.fallback(v.string(), d.openai.model),
      saveKey: onlyTrue,
    }),
  ),
  transformersModelId: v.fallback(v.string(), d.transformersModelId),
  maxSteps: v.fallback(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10)), d.maxSteps),
  ensemble: onlyTrue,
  calibrated: onlyTrue,
  calibrationTable: readWith(readStoredCalibration),
  teacher: objectOrEmpty(
    v.object({
      useFlorence: v.fallback(v.boolean(), d.teacher.useFlorence),
      florenceModelId: v.fallback(v.string(), d.teacher.florenceModelId),
      device: v.fallback(v.picklist(['auto', 'webgpu', 'wasm']), d.teacher.device),
      grids: v.fallback(gridSizes, [...d.teacher.grids]),
      overlap: v.fallback(v.custom<number>(isValidOverlap), d.teacher.overlap),
      denseZooms: v.fallback(gridSizes, [...d.teacher.denseZooms]),
      maxNewTokens: v.fallback(v.pipe(v.number(), v.finite()), d.teacher.maxNewTokens),
      numBeams: v.fallback(v.pipe(v.number(), v.finite()), d.teacher.numBeams),
    }),
  ),
});

export function readCriticSettings(value: unknown): CriticSettings {
  return isPlainObject(value) ? v.parse(criticSettings, value) : DEFAULT_CRITIC_SETTINGS;
}

/** The saved value, validated field by field; anything unreadable falls back to defaults (never a crash). */
export function readSavedCritic(raw: unknown): SavedCritic | null {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (!isPlainObject(value) || value['version'] !== CRITIC_PERSIST_VERSION) return null;
  const items: Record<string, CriticItem> = {};
  if (isPlainObject(value['items'])) {
    for (const [id, stored] of Object.entries(value['items'])) {
      const item = readCriticItem(id, stored);
      if (item !== null) items[id] = item;
    }
  }
  const settings = readCriticSettings(value['settings']);
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
