/**
 * The training slice as it survives a reload: settings, where the rounds stand, the loss curve, scores, the
 * before/after captions, the targets, the checkpoint list and the CHAIR ground truth. Not kept: what is
 * happening right now (phase, notices, the CLIPScore and PickScore models, storage figures). A run that was
 * going on comes back as running, so the studio picks it up at its last checkpoint. Read back field by field: whatever is damaged
 * falls back to its initial value (the checkpoint bytes themselves are in IndexedDB and checked there).
 */
import * as v from 'valibot';
import type { SchedulerStatus } from '../../lib/train/rounds/scheduler-state';
import { INITIAL_TRAINING, type TrainingState } from '../slices/train';
import { persistedTraining } from './training-schema';
import { isPlainObject } from './valid';

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

/** The stored fields read back field by field (training-schema.ts); anything but an object reads as no training. */
export function readPersistedTraining(value: unknown): TrainingState {
  if (!isPlainObject(value)) return INITIAL_TRAINING;
  return { ...INITIAL_TRAINING, ...v.parse(persistedTraining, value) };
}
