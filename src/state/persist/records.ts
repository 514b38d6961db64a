/**
 * The persisted studio state as separate records, one IndexedDB key each, so that two tabs write only what
 * they changed: a card per image (`card/<id>`: its status, caption, warnings), one record
 * per studio setting, one per training field (its checkpoint rows, loss curve, position…). A tab that holds
 * an old copy of the state writes none of what it did not change, and cannot delete what it never saw.
 */
import type { StudioState } from '../studio-state';
import { readPersisted, type PersistedState } from './schema';
import { readPersistedTraining, type PersistedTraining } from './training';
import { isPlainObject } from './valid';

export const CARD_PREFIX = 'card/';
export const STUDIO_PREFIX = 'studio/';
export const TRAINING_PREFIX = 'training/';
/**
 * One record per checkpoint row (`training/checkpoint/<id>`), not one `checkpoints` field: two tabs that each
 * add or remove a row write different records, so neither drops the other's rows.
 */
export const CHECKPOINT_PREFIX = `${TRAINING_PREFIX}checkpoint/`;
/** The rows' field as the first per-record layout stored it (one array): read, then deleted by the next write. */
const LEGACY_CHECKPOINTS_KEY = `${TRAINING_PREFIX}checkpoints`;
/** The layout marker: present once the records exist (written with the migration from the one-key layout). */
export const LAYOUT_KEY = 'layout';
export const RECORD_LAYOUT = 2;

/** What is stored under a record key: a value and its revision; a deleted record keeps its revision (null). */
export interface StoredRecord {
  rev: number;
  value: unknown;
  /** Cards only: the place in the order where the card was first written (ties of `addedAt`). */
  seq?: number;
}

export interface LayoutMarker {
  layout: number;
  /** The persist middleware's version of the values (PERSIST_VERSION when they were written). */
  version: number;
}

export const isRecordKey = (key: string): boolean =>
  key.startsWith(CARD_PREFIX) || key.startsWith(STUDIO_PREFIX) || key.startsWith(TRAINING_PREFIX);

/** Records that are deleted when the live state no longer has them (a removed card or checkpoint row). */
export const isDeletableRecordKey = (key: string): boolean =>
  key.startsWith(CARD_PREFIX) || key.startsWith(CHECKPOINT_PREFIX) || key === LEGACY_CHECKPOINTS_KEY;

type Row = PersistedTraining['checkpoints'][number];
/** Rows in the order the book added them (by time; the stored place breaks ties). */
const byCreation = (a: { row: Row; seq: number }, b: { row: Row; seq: number }): number =>
  a.row.createdAt - b.row.createdAt || a.seq - b.seq || a.row.id.localeCompare(b.row.id);

export function isStoredRecord(value: unknown): value is StoredRecord {
  return isPlainObject(value) && typeof value['rev'] === 'number' && 'value' in value;
}

/** The persisted state cut into records (key → value). Cards keep their order as `seqs`. */
export function toRecords(state: PersistedState): {
  values: Map<string, unknown>;
  seqs: Map<string, number>;
} {
  const values = new Map<string, unknown>();
  const seqs = new Map<string, number>();
  state.order.forEach((id, index) => {
    values.set(CARD_PREFIX + id, state.cards[id]);
    seqs.set(CARD_PREFIX + id, index);
  });
  values.set(`${STUDIO_PREFIX}settings`, state.settings);
  values.set(`${STUDIO_PREFIX}paused`, state.paused);
  if (state.training !== undefined) {
    const { checkpoints, ...fields } = state.training;
    for (const [field, value] of Object.entries(fields)) values.set(TRAINING_PREFIX + field, value);
    checkpoints.forEach((row, index) => {
      values.set(CHECKPOINT_PREFIX + row.id, row);
      seqs.set(CHECKPOINT_PREFIX + row.id, index);
    });
  }
  return { values, seqs };
}

/**
 * The records put back together in the persisted state's layout, not validated yet: the persist middleware
 * runs the migrations on it first (from the version it was written in), then readPersisted.
 */
export interface StoredStudio {
  cards: Record<string, unknown>;
  order: string[];
  settings: unknown;
  paused: boolean;
  training?: Record<string, unknown>;
}

/** What orders stored rows and cards: a number field of a stored value, 0 when it has none. */
function numberIn(value: unknown, field: string): number {
  const n = isPlainObject(value) ? value[field] : undefined;
  return typeof n === 'number' ? n : 0;
}

interface StoredRow {
  id: string;
  value: unknown;
  seq: number;
}
/** Rows in the order the book added them (by time; the stored place breaks ties). */
const byStoredCreation = (a: StoredRow, b: StoredRow): number =>
  numberIn(a.value, 'createdAt') - numberIn(b.value, 'createdAt') ||
  a.seq - b.seq ||
  a.id.localeCompare(b.id);

/** The records read back in the persisted state's layout (validated later: see StoredStudio). */
export function fromRecords(records: ReadonlyMap<string, StoredRecord>): StoredStudio {
  const cards: Record<string, unknown> = {};
  const sortable: { id: string; addedAt: number; seq: number }[] = [];
  const training: Record<string, unknown> = {};
  const rows = new Map<string, StoredRow>();
  let legacyRows: unknown = undefined;
  let settings: unknown;
  let paused: unknown;
  for (const [key, record] of records) {
    if (record.value === null) continue;
    if (key.startsWith(CHECKPOINT_PREFIX)) {
      const id = key.slice(CHECKPOINT_PREFIX.length);
      rows.set(id, { id, value: record.value, seq: record.seq ?? 0 });
    } else if (key === LEGACY_CHECKPOINTS_KEY) {
      legacyRows = record.value;
    } else if (key.startsWith(CARD_PREFIX)) {
      const id = key.slice(CARD_PREFIX.length);
      cards[id] = record.value;
      sortable.push({ id, addedAt: numberIn(record.value, 'addedAt'), seq: record.seq ?? 0 });
    } else if (key === `${STUDIO_PREFIX}settings`) settings = record.value;
    else if (key === `${STUDIO_PREFIX}paused`) paused = record.value;
    else if (key.startsWith(TRAINING_PREFIX)) training[key.slice(TRAINING_PREFIX.length)] = record.value;
  }
  sortable.sort((a, b) => a.addedAt - b.addedAt || a.seq - b.seq || a.id.localeCompare(b.id));
  // Rows stored as one array by the first per-record layout join the per-row ones (those win for an id).
  if (Array.isArray(legacyRows)) {
    legacyRows.forEach((value: unknown, seq) => {
      const id = isPlainObject(value) ? value['id'] : undefined;
      if (typeof id === 'string' && !rows.has(id)) rows.set(id, { id, value, seq: -1 - seq });
    });
  }
  if (rows.size > 0) training['checkpoints'] = [...rows.values()].sort(byStoredCreation).map((r) => r.value);
  return {
    cards,
    order: sortable.map((s) => s.id),
    settings,
    paused: paused === true,
    ...(Object.keys(training).length > 0 ? { training } : {}),
  };
}

/**
 * What changed records (written by another tab, or found newer than this tab's copy) do to the live state:
 * cards appear, change or go; settings, the pause intent and training fields take the stored value. What is
 * happening now in this tab (progress, training phase, notices) is not touched.
 */
export function applyRecords(
  state: StudioState,
  changed: ReadonlyMap<string, StoredRecord>,
): Partial<StudioState> {
  const patch: Partial<StudioState> = {};
  let cards = state.cards;
  let order = state.order;
  const trainingFields: Record<string, unknown> = {};
  let rows = state.training.checkpoints;
  for (const [key, record] of changed) {
    if (key.startsWith(CHECKPOINT_PREFIX)) {
      const id = key.slice(CHECKPOINT_PREFIX.length);
      const row = record.value === null ? null : readCheckpointRow(record.value);
      const others = rows.filter((r) => r.id !== id);
      rows =
        row === null
          ? others
          : [...others, row]
              .map((r, seq) => ({ row: r, seq }))
              .sort(byCreation)
              .map((r) => r.row);
    } else if (key === LEGACY_CHECKPOINTS_KEY) {
      continue; // an older tab's whole list: its rows are read on the next load; it never removes rows here
    } else if (key.startsWith(CARD_PREFIX)) {
      const id = key.slice(CARD_PREFIX.length);
      const card = record.value === null ? null : readCardRecord(id, record.value);
      if (card === null) {
        if (cards[id] === undefined) continue;
        const { [id]: _gone, ...rest } = cards;
        cards = rest;
        order = order.filter((x) => x !== id);
        continue;
      }
      if (cards[id] === undefined) {
        // A card another tab added: in its place by the time it was added.
        const at = order.findIndex((x) => (cards[x]?.addedAt ?? 0) > card.addedAt);
        order = at < 0 ? [...order, id] : [...order.slice(0, at), id, ...order.slice(at)];
      }
      cards = { ...cards, [id]: card };
    } else if (key === `${STUDIO_PREFIX}settings` && record.value !== null) {
      patch.settings = readPersisted({ settings: record.value }).settings;
    } else if (key === `${STUDIO_PREFIX}paused`) {
      patch.run = { ...state.run, paused: record.value === true };
    } else if (key.startsWith(TRAINING_PREFIX)) {
      trainingFields[key.slice(TRAINING_PREFIX.length)] = record.value;
    }
  }
  if (cards !== state.cards) Object.assign(patch, { cards, order });
  const fields = Object.keys(trainingFields);
  if (fields.length > 0 || rows !== state.training.checkpoints) {
    const training = { ...state.training, checkpoints: rows };
    // Only the fields that changed take the value read back (the others keep this tab's).
    const read = readPersistedTraining({ ...training, ...trainingFields });
    const changedFields = Object.entries(read).filter(([field]) => field in trainingFields);
    patch.training = { ...training, ...Object.fromEntries(changedFields) };
  }
  return patch;
}

function readCheckpointRow(value: unknown): Row | null {
  return readPersistedTraining({ checkpoints: [value] }).checkpoints[0] ?? null;
}

function readCardRecord(id: string, value: unknown): StudioState['cards'][string] | null {
  return readPersisted({ cards: { [id]: value }, order: [id] }).cards[id] ?? null;
}
