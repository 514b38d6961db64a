import { describe, expect, it } from 'vitest';
import { readPersistedTraining, toPersistedTraining } from '../../../src/state/persist/training';
import {
  DEFAULT_TRAINING_SETTINGS,
  INITIAL_TRAINING,
  type TrainingState,
} from '../../../src/state/slices/train';

describe('the training slice across a reload', () => {
  const state: TrainingState = {
    ...INITIAL_TRAINING,
    status: 'pausing',
    position: { round: 1, stage: 'train' },
    runIds: { 1: 'r2-x' },
    phase: 'training',
    losses: [{ round: 1, step: 1, epoch: 0, loss: 3.5 }],
    notices: [{ level: 'warning', message: 'skipped' }],
    active: 'r1-x-6-end',
    clip: { status: 'ready', modelId: 'tiny' },
    pickScore: { status: 'ready', modelId: 'tiny-pick' },
  };

  it('keeps what resumes the run and drops what only describes this moment', () => {
    const saved = JSON.parse(JSON.stringify(toPersistedTraining(state)));
    expect(saved).not.toHaveProperty('phase');
    expect(saved).not.toHaveProperty('clip');
    expect(saved).not.toHaveProperty('pickScore');
    const back = readPersistedTraining(saved);
    expect(back).toMatchObject({
      status: 'paused',
      position: { round: 1, stage: 'train' },
      runIds: { 1: 'r2-x' },
      losses: state.losses,
      active: 'r1-x-6-end',
      phase: null,
      notices: [],
      clip: { status: 'none', modelId: null },
      pickScore: { status: 'none', modelId: null },
    });
  });

  it('falls back field by field on damaged or foreign values', () => {
    expect(readPersistedTraining(undefined)).toEqual(INITIAL_TRAINING);
    const back = readPersistedTraining({
      status: 'exploded',
      position: { round: -1, stage: 'train' },
      losses: [
        { round: 0, step: 1, loss: 'x' },
        { round: 0, step: 2, epoch: 0, loss: 1 },
      ],
      settings: { tuning: { epochs: 0 }, loop: { rounds: 3 } },
      checkpoints: [{ id: 7 }],
    });
    expect(back.status).toBe('idle');
    expect(back.position).toBeNull();
    expect(back.losses).toEqual([{ round: 0, step: 2, epoch: 0, loss: 1 }]);
    expect(back.settings.tuning).toEqual(DEFAULT_TRAINING_SETTINGS.tuning);
    expect(back.settings.loop.rounds).toBe(3);
    expect(back.checkpoints).toEqual([]);
  });
});
