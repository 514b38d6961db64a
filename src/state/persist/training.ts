/**
 * The training slice as it survives a reload: settings, where the rounds stand, the loss curve, scores, the
 * before/after captions, the targets, the checkpoint list and the CHAIR ground truth. Not kept: what is
 * happening right now (phase, notices, the CLIPScore and PickScore models, storage figures). A run that was
 * going on comes back as running, so the studio picks it up at its last checkpoint. Read back field by field: whatever is damaged
 * falls back to its initial value (the checkpoint bytes themselves are in IndexedDB and checked there).
 */
import {
  ROUND_STAGES,
  type RoundPosition,
  type SchedulerStatus,
} from '../../lib/train/rounds/scheduler-state';
import { validateTuningSettings } from '../../lib/train/settings';
import {
  DEFAULT_TRAINING_SETTINGS,
  INITIAL_TRAINING,
  type TrainingSettingsState,
  type TrainingState,
} from '../slices/train';

export type PersistedTraining = Omit<
  TrainingState,
  'phase' | 'notices' | 'clip' | 'pickScore' | 'storage' | 'lastStart'
>;

export function toPersistedTraining(t: TrainingState): PersistedTraining {
  const {
    phase: _phase,
    notices: _notices,
    clip: _clip,
    pickScore: _pick,
    storage: _storage,
    lastStart: _start,
    ...kept
  } = t;
  // 'pausing' and 'stopping' were on their way: a reload completes them.
  const status: SchedulerStatus =
    t.status === 'pausing' ? 'paused' : t.status === 'stopping' ? 'stopped' : t.status;
  return { ...kept, status };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const STATUSES: readonly SchedulerStatus[] = ['idle', 'running', 'paused', 'stopped', 'done', 'failed'];

function readSettings(value: unknown): TrainingSettingsState {
  if (!isRecord(value) || !isRecord(value['tuning']) || !isRecord(value['loop']))
    return DEFAULT_TRAINING_SETTINGS;
  const tuning = {
    ...DEFAULT_TRAINING_SETTINGS.tuning,
    ...value['tuning'],
  } as TrainingSettingsState['tuning'];
  const loop = { ...DEFAULT_TRAINING_SETTINGS.loop, ...value['loop'] } as TrainingSettingsState['loop'];
  try {
    validateTuningSettings(tuning);
  } catch {
    return { tuning: DEFAULT_TRAINING_SETTINGS.tuning, loop };
  }
  return { tuning, loop };
}

function readPosition(value: unknown): RoundPosition | null {
  if (!isRecord(value)) return null;
  const { round, stage } = value;
  return typeof round === 'number' &&
    Number.isInteger(round) &&
    round >= 0 &&
    ROUND_STAGES.includes(stage as never)
    ? { round, stage: stage as RoundPosition['stage'] }
    : null;
}

const arrayOf = <T>(value: unknown, ok: (item: Record<string, unknown>) => boolean): T[] =>
  Array.isArray(value) ? (value.filter((v) => isRecord(v) && ok(v)) as T[]) : [];

const recordOf = <T>(value: unknown): Record<string, T> =>
  isRecord(value) ? (value as Record<string, T>) : {};

export function readPersistedTraining(value: unknown): TrainingState {
  if (!isRecord(value)) return INITIAL_TRAINING;
  const status = STATUSES.includes(value['status'] as SchedulerStatus)
    ? (value['status'] as SchedulerStatus)
    : 'idle';
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  return {
    ...INITIAL_TRAINING,
    settings: readSettings(value['settings']),
    status,
    position: readPosition(value['position']),
    runIds: recordOf(value['runIds']),
    losses: arrayOf(value['losses'], (p) => num(p['round']) && num(p['step']) && num(p['loss'])),
    scores: arrayOf(value['scores'], (s) => num(s['round']) && isRecord(s['summary'])),
    images: recordOf(value['images']),
    checkpoints: arrayOf(value['checkpoints'], (c) => typeof c['id'] === 'string' && num(c['step'])),
    active: typeof value['active'] === 'string' ? value['active'] : null,
    error: isRecord(value['error']) ? (value['error'] as unknown as TrainingState['error']) : null,
    coco: isRecord(value['coco']) ? (value['coco'] as unknown as TrainingState['coco']) : null,
  };
}
