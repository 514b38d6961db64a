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

describe('each stored training field read back', () => {
  const row = {
    id: 'r1-6',
    runId: 'r1',
    round: 0,
    step: 6,
    epoch: 1,
    kind: 'round-end' as const,
    createdAt: 3,
    byteLength: 100,
    loss: 2.5,
  };
  const split = { all: 0.5, simple: null, complex: 1, counts: { all: 2, simple: 0, complex: 2 } };
  const summary = {
    images: 2,
    criticScore: split,
    hallucinationRate: null,
    chairI: null,
    chairS: null,
    clipScore: null,
    pickScore: null,
  };
  const coco = {
    fileName: 'ann.json',
    matches: { a: { cocoId: 1, objects: ['cat'] } },
    annotatedImages: 1,
    unmatched: 0,
    synonyms: 'chair-list' as const,
  };

  it('reads whole values as they were saved', () => {
    const back = readPersistedTraining({
      checkpoints: [row],
      scores: [{ round: 0, summary }],
      images: { a: { original: 'x', tunedScores: { critic: 0.5 }, objectCount: 2 } },
      coco,
      error: { name: 'TrainingError', message: 'out of memory' },
      runIds: { 0: 'r1' },
    });
    expect(back.checkpoints).toStrictEqual([row]);
    expect(back.scores).toEqual([{ round: 0, summary }]);
    expect(back.images).toEqual({ a: { original: 'x', tunedScores: { critic: 0.5 }, objectCount: 2 } });
    expect(back.coco).toEqual(coco);
    expect(back.error).toEqual({ name: 'TrainingError', message: 'out of memory' });
    expect(back.runIds).toEqual({ 0: 'r1' });
  });

  it('drops entries of the wrong type, keeping the others', () => {
    const back = readPersistedTraining({
      checkpoints: [row, { ...row, id: 'r1-7', step: '7' }, 'junk'],
      scores: [
        { round: 0, summary },
        { round: 'x', summary },
        { round: 1, summary: 3 },
      ],
      images: { a: { original: 'x' }, b: 'junk' },
      runIds: { 0: 'r1', 1: 5 },
    });
    expect(back.checkpoints.map((c) => c.id)).toEqual(['r1-6']);
    expect(back.scores.map((s) => s.round)).toEqual([0]);
    expect(Object.keys(back.images)).toEqual(['a']);
    expect(back.runIds).toEqual({ 0: 'r1' });
  });

  it('fills missing fields field by field: a row keeps its id and step, a metric reads as not measured', () => {
    const back = readPersistedTraining({
      checkpoints: [{ id: 'old', step: 4 }],
      scores: [{ round: 0, summary: { images: 2, criticScore: split, chairI: 'x' } }],
      losses: [{ round: 0, step: 1, loss: 2 }],
      loop: {},
    });
    expect(back.checkpoints).toEqual([
      {
        id: 'old',
        runId: '',
        round: 0,
        step: 4,
        epoch: 0,
        kind: 'interval',
        createdAt: 0,
        byteLength: 0,
        loss: null,
      },
    ]);
    expect(back.scores[0]?.summary).toMatchObject({ criticScore: split, chairI: null, pickScore: null });
    expect(back.losses).toEqual([{ round: 0, step: 1, epoch: 0, loss: 2 }]);
  });

  it('reads a damaged error or COCO import as none, and a loop setting of the wrong type as its default', () => {
    const back = readPersistedTraining({
      error: { name: 'E' },
      coco: { ...coco, annotatedImages: 'many' },
      active: 7,
      settings: { tuning: {}, loop: { rounds: 'two', weighting: 'random', cleanRatio: 0.5 } },
    });
    expect(back.error).toBeNull();
    expect(back.coco).toBeNull();
    expect(back.active).toBeNull();
    expect(back.settings.loop).toEqual({ ...DEFAULT_TRAINING_SETTINGS.loop, cleanRatio: 0.5 });
    expect(back.settings.tuning).toEqual(DEFAULT_TRAINING_SETTINGS.tuning);
  });

  it('reads a tuning value of the wrong type as the default settings (they are checked together)', () => {
    const back = readPersistedTraining({ settings: { tuning: { lr: '0.5' }, loop: {} } });
    expect(back.settings.tuning).toEqual(DEFAULT_TRAINING_SETTINGS.tuning);
    const kept = readPersistedTraining({ settings: { tuning: { epochs: 5 }, loop: {} } });
    expect(kept.settings.tuning.epochs).toBe(5);
  });

  it('reads the preference objective back, and one with a temperature out of range as the defaults', () => {
    const objective = { kind: 'preference', beta: 0.2, chosenWeight: 1 };
    const back = readPersistedTraining({ settings: { tuning: { objective }, loop: {} } });
    expect(back.settings.tuning.objective).toEqual(objective);
    const bad = { settings: { tuning: { objective: { ...objective, beta: -1 } }, loop: {} } };
    expect(readPersistedTraining(bad).settings.tuning).toEqual(DEFAULT_TRAINING_SETTINGS.tuning);
  });

  it('does not carry fields the slice does not have; what only describes this moment is not read', () => {
    const back = readPersistedTraining({
      phase: 'training',
      notices: [{ level: 'warning', message: 'x' }],
      checkpoints: [{ ...row, weights: [1, 2] }],
      surprise: true,
    });
    expect(back).not.toHaveProperty('surprise');
    expect(back.phase).toBeNull();
    expect(back.notices).toEqual([]);
    expect(back.checkpoints[0]).not.toHaveProperty('weights');
  });
});
