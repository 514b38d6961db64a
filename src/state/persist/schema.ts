import * as v from 'valibot';
import type { ImageCard, ImageStatus } from '../slices/ingest';
import {
  DEFAULT_SETTINGS,
  HUB_MODEL_ID,
  normalizeModelChoice,
  sanitizeGeneration,
  SCENES_STUDENT_ID,
  type StudioSettings,
} from '../slices/settings';
import type { StudioState } from '../studio-state';
import type { DevicePreference } from '../../lib/core/devices';
import { readPersistedTraining, toPersistedTraining, type PersistedTraining } from './training';
import {
  errorInfo,
  finiteNumber,
  isPlainObject,
  listOf,
  objectOrEmpty,
  optionalField,
  readOrNull,
} from './valid';

/**
 * Bump when the persisted shape changes, and add the step from the previous version to MIGRATIONS.
 * 2: the trained scenes student became the default (adoptScenesStudent), once it is committed.
 */
export const PERSIST_VERSION = 2;
export const PERSIST_KEY = 'studio';

/** What survives a reload. Pixels and file bytes are not here: they live in the image store by card id. */
export interface PersistedStateV1 {
  cards: Record<string, ImageCard>;
  order: string[];
  settings: StudioSettings;
  paused: boolean;
  /** Added without a version bump: optional, and absent reads as no training yet. */
  training?: PersistedTraining;
}
export type PersistedState = PersistedStateV1;

/** The stored state was written by a newer studio: it is left untouched and nothing is written over it. */
export class PersistedStateTooNewError extends Error {
  override readonly name = 'PersistedStateTooNewError';
}
/** No migration path from the stored version. */
export class PersistedStateUnreadableError extends Error {
  override readonly name = 'PersistedStateUnreadableError';
}

/** `from` version → a function that turns that shape into version `from + 1`. */
export type Migration = (state: unknown) => unknown;

/**
 * v1 → v2: the default student changed from the hub's ViT-GPT2 to the trained scenes student. Settings that
 * still hold the old default (the user never changed the model) follow the default; any other choice is kept.
 * v1 did not record whether the hub model was the default or picked by hand: both read as the default.
 */
export function adoptScenesStudent(state: unknown): unknown {
  if (!isPlainObject(state) || !isPlainObject(state['settings'])) return state;
  const model = state['settings']['model'];
  if (!isPlainObject(model) || model['kind'] !== 'id' || model['modelId'] !== HUB_MODEL_ID) return state;
  return {
    ...state,
    settings: { ...state['settings'], model: { kind: 'id', modelId: SCENES_STUDENT_ID } },
  };
}

export const MIGRATIONS: Readonly<Record<number, Migration>> = { 1: adoptScenesStudent };

/** Walks `state` from `fromVersion` up to `toVersion` one step at a time. */
export function runMigrations(
  state: unknown,
  fromVersion: number,
  toVersion: number,
  steps: Readonly<Record<number, Migration>>,
): unknown {
  if (fromVersion > toVersion) {
    throw new PersistedStateTooNewError(
      `The saved studio state is version ${fromVersion}, newer than this studio (version ${toVersion}). ` +
        'It was left as it is; use the newer studio, or clear site data to start over.',
    );
  }
  let current = state;
  for (let version = fromVersion; version < toVersion; version++) {
    const step = steps[version];
    if (step === undefined) {
      throw new PersistedStateUnreadableError(
        `The saved studio state is version ${fromVersion} and cannot be upgraded to version ${toVersion}.`,
      );
    }
    current = step(current);
  }
  return current;
}

/** What goes to storage: saved cards only; a run that was going on comes back queued. */
export function toPersisted(state: StudioState): PersistedState {
  const cards: Record<string, ImageCard> = {};
  const order: string[] = [];
  for (const id of state.order) {
    const card = state.cards[id];
    if (card === undefined || !card.saved || card.status === 'ingesting') continue;
    cards[id] = card.status === 'captioning' ? { ...card, status: 'queued' } : card;
    order.push(id);
  }
  return {
    cards,
    order,
    settings: state.settings,
    paused: state.run.paused,
    training: toPersistedTraining(state.training),
  };
}

/** A stored card reads back only with these (anything else was never a saved card: it is dropped). */
const STORED_STATUSES = [
  'queued',
  'captioning',
  'captioned',
  'failed',
  'cancelled',
] as const satisfies readonly ImageStatus[];
const DEVICES = ['auto', 'webgpu', 'wasm'] as const satisfies readonly DevicePreference[];

/** A card needs its id, name, size and status; the optional fields read back one by one (valid.ts). */
const storedCard = v.object({
  id: v.string(),
  name: v.string(),
  byteLength: v.number(),
  width: optionalField(v.number()),
  height: optionalField(v.number()),
  status: v.picklist(STORED_STATUSES),
  caption: optionalField(v.string()),
  captionModel: optionalField(v.string()),
  error: optionalField(errorInfo),
  warnings: listOf(v.string()),
  addedAt: v.fallback(finiteNumber, 0),
});

/** A card as read back, or null when it is not one (damaged or hand-edited storage never crashes the UI). */
function readCard(value: unknown): ImageCard | null {
  const card = readOrNull(storedCard, value);
  if (card === null) return null;
  // A caption run that a reload cut off is queued again; what was read back was saved, by definition.
  return { ...card, status: card.status === 'captioning' ? 'queued' : card.status, saved: true };
}

const modelChoice = v.variant('kind', [
  v.object({ kind: v.literal('id'), modelId: v.string() }),
  v.object({ kind: v.literal('folder'), name: v.string(), fileCount: v.fallback(v.number(), 0) }),
]);

const studioSettings = v.object({
  model: v.pipe(
    v.fallback(modelChoice, DEFAULT_SETTINGS.model),
    v.transform((model) => normalizeModelChoice(model)),
  ),
  device: v.fallback(v.picklist(DEVICES), DEFAULT_SETTINGS.device),
  // Each field of the right type or absent; sanitizeGeneration owns the limits and the defaults.
  generation: v.pipe(
    objectOrEmpty(
      v.object({
        strategy: optionalField(v.picklist(['greedy', 'beam'])),
        numBeams: optionalField(v.number()),
        maxNewTokens: optionalField(v.number()),
        batchSize: optionalField(v.number()),
      }),
    ),
    v.transform((generation) => sanitizeGeneration(generation)),
  ),
});

function readSettings(value: unknown): StudioSettings {
  return isPlainObject(value) ? v.parse(studioSettings, value) : DEFAULT_SETTINGS;
}

/** Validates the (migrated) stored value field by field; whatever is not valid falls back to defaults. */
export function readPersisted(value: unknown): PersistedState {
  const record = isPlainObject(value) ? value : {};
  const rawCards = isPlainObject(record['cards']) ? record['cards'] : {};
  const rawOrder = Array.isArray(record['order']) ? record['order'] : [];
  const cards: Record<string, ImageCard> = {};
  const order: string[] = [];
  for (const id of rawOrder) {
    if (typeof id !== 'string' || cards[id] !== undefined) continue;
    const card = readCard(rawCards[id]);
    if (card === null || card.id !== id) continue;
    cards[id] = card;
    order.push(id);
  }
  return {
    cards,
    order,
    settings: readSettings(record['settings']),
    paused: record['paused'] === true,
    training: readPersistedTraining(record['training']),
  };
}

/** Puts the stored state into the live one; cards added before hydration finished are kept after them. */
export function mergePersisted(persisted: unknown, current: StudioState): StudioState {
  if (persisted === undefined || persisted === null) return current; // nothing saved yet: a first visit
  const saved = readPersisted(persisted);
  const cards = { ...saved.cards };
  const order = [...saved.order];
  for (const id of current.order) {
    const card = current.cards[id];
    if (card === undefined || cards[id] !== undefined) continue;
    cards[id] = card;
    order.push(id);
  }
  return {
    ...current,
    cards,
    order,
    settings: saved.settings,
    run: { ...current.run, paused: saved.paused },
    training: readPersistedTraining(saved.training),
  };
}
