/**
 * The training run's reducer on its own: every event in every state it matters in, and the ones where it must
 * not apply (the same object back). loop.test.ts runs it through the driver with a scripted trainer.
 */
import { describe, expect, it } from 'vitest';
import { asTuningCheckpoint, type TuningCheckpoint } from '../../../src/lib/train/checkpoints/data';
import type { StepReport } from '../../../src/lib/train/graph/trainer';
import { epochPermutation } from '../../../src/lib/train/loop';
import {
  initialLoopState,
  isComplete,
  nextMicroBatch,
  reduce,
  savesOnStop,
  type LoopPlan,
  type LoopState,
  type RunEvent,
} from '../../../src/lib/train/loop-state';
import { DEFAULT_GUARDRAIL_POLICY, initialGuardrailState } from '../../../src/lib/train/rounds/guardrails';

const PLAN: LoopPlan = { runId: 'run', sampleCount: 4, epochs: 2, policy: DEFAULT_GUARDRAIL_POLICY };

function checkpoint(step: number, extra: Partial<TuningCheckpoint['extra']> = {}): TuningCheckpoint {
  return asTuningCheckpoint({
    step,
    modelId: 'fake',
    config: { lrScale: 1, user: { settings: {}, sequence: 4, adapters: [], trainables: [] } },
    tensors: [],
    extra: {
      runId: 'run',
      cursor: { epoch: 0, offset: 2 },
      guard: initialGuardrailState(2, 1),
      kind: 'interval',
      loss: 3,
      runSteps: step,
      ...extra,
    },
  });
}

const fresh = (batchSize = 2, accumulation = 1): LoopState =>
  initialLoopState(PLAN, { batchSize, accumulation });

const report = (over: Partial<StepReport> = {}): StepReport => ({
  loss: 2,
  skipped: false,
  updated: true,
  step: 1,
  ...over,
});
const micro = (over: Partial<StepReport> = {}, samples = 2, trainerStep = 1): RunEvent => ({
  type: 'micro-batch',
  samples,
  report: report(over),
  trainerStep,
});
const flushed = (over: Partial<StepReport> = {}, trainerStep = 1): RunEvent => ({
  type: 'flushed',
  report: { skipped: false, updated: true, step: 1, ...over },
  trainerStep,
});
const OOM: RunEvent = { type: 'trainer-failed', incident: 'out-of-memory', detail: 'oom' };
const LOST: RunEvent = { type: 'trainer-failed', incident: 'device-lost', detail: 'lost' };

const run = (state: LoopState, ...events: RunEvent[]) => events.reduce(reduce, state);
const withStatus = (state: LoopState, status: LoopState['status']): LoopState => ({ ...state, status });

describe('initialLoopState', () => {
  it('starts a new run at epoch 0 with fresh guardrails, restarting at its start', () => {
    const s = fresh(4, 2);
    expect(s).toMatchObject({
      status: 'running',
      cursor: { epoch: 0, offset: 0 },
      runSteps: 0,
      lastLoss: null,
      groupLosses: [],
      lastSavedStep: 0,
      guard: { batchSize: 4, accumulation: 2, lrScale: 1 },
      rebuild: null,
      notice: null,
    });
    expect(s.restart).toEqual({
      checkpoint: undefined,
      cursor: { epoch: 0, offset: 0 },
      runSteps: 0,
      loss: null,
    });
  });

  it('continues a run at its checkpoint cursor, or only takes its tensors for a warm start', () => {
    const at = checkpoint(5, { guard: { ...initialGuardrailState(1, 4), lrScale: 0.5 } });
    const continued = initialLoopState(PLAN, {
      batchSize: 2,
      accumulation: 1,
      checkpoint: at,
      continues: true,
    });
    expect(continued).toMatchObject({
      cursor: { epoch: 0, offset: 2 },
      runSteps: 5,
      lastLoss: 3,
      lastSavedStep: 5,
    });
    expect(continued.guard).toEqual(at.extra.guard);
    expect(continued.restart.checkpoint).toBe(at);
    const warm = initialLoopState(PLAN, { batchSize: 2, accumulation: 1, checkpoint: at, continues: false });
    expect(warm).toMatchObject({
      cursor: { epoch: 0, offset: 0 },
      runSteps: 0,
      lastLoss: null,
      lastSavedStep: 5,
    });
    expect(warm.guard).toEqual(initialGuardrailState(2, 1));
  });
});

describe('nextMicroBatch, isComplete, savesOnStop', () => {
  it('names the next samples of the epoch, the last batch short, and none past the epoch or while not running', () => {
    expect(nextMicroBatch(fresh())).toEqual({ from: 0, to: 2 });
    expect(nextMicroBatch({ ...fresh(3), cursor: { epoch: 0, offset: 3 } })).toEqual({ from: 3, to: 4 });
    expect(nextMicroBatch({ ...fresh(), cursor: { epoch: 0, offset: 4 } })).toBeNull();
    expect(nextMicroBatch({ ...fresh(), cursor: { epoch: 2, offset: 0 } })).toBeNull();
    expect(nextMicroBatch(withStatus(fresh(), 'rebuilding'))).toBeNull();
  });

  it('is complete after the last epoch, while running', () => {
    expect(isComplete(fresh())).toBe(false);
    expect(isComplete({ ...fresh(), cursor: { epoch: 2, offset: 0 } })).toBe(true);
    expect(isComplete(withStatus({ ...fresh(), cursor: { epoch: 2, offset: 0 } }, 'finished'))).toBe(false);
  });

  it('saves on Stop only when the trainer is ahead of the last checkpoint and no group is half done', () => {
    const s = { ...fresh(), lastSavedStep: 2 };
    expect(savesOnStop(s, 3)).toBe(true);
    expect(savesOnStop(s, 2)).toBe(false);
    expect(savesOnStop({ ...s, groupLosses: [1] }, 3)).toBe(false);
  });
});

describe('reduce: micro-batch', () => {
  it('moves the cursor and counts an update with the mean loss of its group', () => {
    const s = run(fresh(2, 2), micro({ loss: 4, updated: false, step: 0 }, 2, 0));
    expect(s).toMatchObject({
      cursor: { epoch: 0, offset: 2 },
      groupLosses: [4],
      runSteps: 0,
      lastLoss: null,
    });
    const t = reduce(s, micro({ loss: 2, step: 1 }, 2, 1));
    expect(t).toMatchObject({ cursor: { epoch: 0, offset: 4 }, groupLosses: [], runSteps: 1, lastLoss: 3 });
  });

  it('ends a run of non-finite losses after a finite update (the lowered rate stays)', () => {
    const s = { ...fresh(), guard: { ...fresh().guard, consecutiveNonFinite: 2, lrScale: 0.25 } };
    expect(reduce(s, micro()).guard).toMatchObject({ consecutiveNonFinite: 0, lrScale: 0.25 });
  });

  it('skips a non-finite loss: the cursor moves on, the rate halves, a warning goes out, the group stays', () => {
    const s = { ...fresh(2, 2), groupLosses: [5] };
    const t = reduce(s, micro({ loss: NaN, skipped: true, updated: false, step: 0 }, 2, 0));
    expect(t).toMatchObject({ status: 'running', cursor: { offset: 2 }, groupLosses: [5], runSteps: 0 });
    expect(t.guard).toMatchObject({ lrScale: 0.5, consecutiveNonFinite: 1 });
    expect(t.notice).toMatchObject({ level: 'warning', message: expect.stringContaining('Step 1 skipped') });
  });

  it('drops the whole group when the update’s gradient norm is not finite', () => {
    const s = { ...fresh(2, 2), groupLosses: [5] };
    const t = reduce(s, micro({ loss: 2, skipped: true, updated: false, gradNorm: Infinity, step: 0 }, 2, 0));
    expect(t).toMatchObject({ groupLosses: [], runSteps: 0, guard: { lrScale: 0.5 } });
    expect(t.notice?.message).toContain('+∞');
  });

  it('halts when non-finite losses keep coming', () => {
    const s = { ...fresh(), guard: { ...fresh().guard, consecutiveNonFinite: 5 } };
    const t = reduce(s, micro({ loss: NaN, skipped: true, updated: false }));
    expect(t.status).toBe('halted');
    expect(t.notice?.level).toBe('error');
  });

  it('does not apply past the epoch’s end, after the last epoch, or unless running', () => {
    const atEnd = { ...fresh(), cursor: { epoch: 0, offset: 4 } };
    const past = { ...fresh(), cursor: { epoch: 2, offset: 0 } };
    for (const s of [
      atEnd,
      past,
      ...(['rebuilding', 'finished', 'halted'] as const).map((x) => withStatus(fresh(), x)),
    ])
      expect(reduce(s, micro())).toBe(s);
  });
});

describe('reduce: flushed', () => {
  it('closes a short group at the epoch’s end as a step', () => {
    const s = { ...fresh(2, 2), cursor: { epoch: 0, offset: 4 }, groupLosses: [6] };
    expect(reduce(s, flushed())).toMatchObject({ groupLosses: [], runSteps: 1, lastLoss: 6 });
  });

  it('treats a skipped flush as a non-finite step while running, and only drops it before a rebuild', () => {
    const s = { ...fresh(2, 2), groupLosses: [6] };
    const running = reduce(s, flushed({ skipped: true, updated: false, gradNorm: NaN }));
    expect(running).toMatchObject({ groupLosses: [], runSteps: 0, guard: { lrScale: 0.5 } });
    expect(running.notice?.level).toBe('warning');
    const rebuilding = reduce(withStatus(s, 'rebuilding'), flushed({ skipped: true, updated: false }));
    expect(rebuilding).toMatchObject({ groupLosses: [], runSteps: 0, guard: { lrScale: 1 }, notice: null });
  });

  it('counts a flush before a rebuild as a step', () => {
    const s = withStatus({ ...fresh(2, 2), groupLosses: [4] }, 'rebuilding');
    expect(reduce(s, flushed())).toMatchObject({ status: 'rebuilding', runSteps: 1, lastLoss: 4 });
  });

  it('does not apply with no group pending, or once finished or halted', () => {
    const empty = fresh();
    expect(reduce(empty, flushed())).toBe(empty);
    for (const status of ['finished', 'halted'] as const) {
      const s = withStatus({ ...fresh(), groupLosses: [1] }, status);
      expect(reduce(s, flushed())).toBe(s);
    }
  });
});

describe('reduce: epoch-ended', () => {
  it('goes on to the next epoch once every sample went through and no group is pending', () => {
    const s = { ...fresh(), cursor: { epoch: 0, offset: 4 } };
    expect(reduce(s, { type: 'epoch-ended' }).cursor).toEqual({ epoch: 1, offset: 0 });
    const last = reduce({ ...fresh(), cursor: { epoch: 1, offset: 4 } }, { type: 'epoch-ended' });
    expect(isComplete(last)).toBe(true);
  });

  it('does not apply mid-epoch, with a group pending, after the last epoch, or unless running', () => {
    const cases = [
      { ...fresh(), cursor: { epoch: 0, offset: 2 } },
      { ...fresh(), cursor: { epoch: 0, offset: 4 }, groupLosses: [1] },
      { ...fresh(), cursor: { epoch: 2, offset: 0 } },
      withStatus({ ...fresh(), cursor: { epoch: 0, offset: 4 } }, 'rebuilding'),
      withStatus({ ...fresh(), cursor: { epoch: 0, offset: 4 } }, 'halted'),
    ];
    for (const s of cases) expect(reduce(s, { type: 'epoch-ended' })).toBe(s);
  });
});

describe('reduce: saved', () => {
  it('makes an interval checkpoint the restart point, with the cursor, steps and loss it was taken at', () => {
    const s = { ...fresh(), cursor: { epoch: 0, offset: 2 }, runSteps: 1, lastLoss: 7 };
    const at = checkpoint(1);
    const t = reduce(s, { type: 'saved', checkpoint: at, final: false });
    expect(t).toMatchObject({ status: 'running', lastSavedStep: 1 });
    expect(t.restart).toEqual({ checkpoint: at, cursor: { epoch: 0, offset: 2 }, runSteps: 1, loss: 7 });
    // While rebuilding after out of memory, the flushed group's interval checkpoint counts too.
    expect(
      reduce(withStatus(s, 'rebuilding'), { type: 'saved', checkpoint: at, final: false }),
    ).toMatchObject({
      status: 'rebuilding',
      lastSavedStep: 1,
    });
  });

  it('finishes the run with the final checkpoint, and only after the last epoch', () => {
    const done = { ...fresh(), cursor: { epoch: 2, offset: 0 } };
    expect(reduce(done, { type: 'saved', checkpoint: checkpoint(6), final: true }).status).toBe('finished');
    const early = fresh();
    expect(reduce(early, { type: 'saved', checkpoint: checkpoint(6), final: true })).toBe(early);
  });

  it('does not apply once finished or halted', () => {
    for (const status of ['finished', 'halted'] as const) {
      const s = withStatus(fresh(), status);
      expect(reduce(s, { type: 'saved', checkpoint: checkpoint(1), final: false })).toBe(s);
    }
  });
});

describe('reduce: trainer-failed and trainer-rebuilt', () => {
  it('out of memory: rebuilds for half the batch and twice the accumulation, the guard changing once built', () => {
    const s = { ...fresh(2, 1), groupLosses: [3] };
    const t = reduce(s, OOM);
    expect(t).toMatchObject({ status: 'rebuilding', guard: s.guard, groupLosses: [3] });
    expect(t.rebuild).toEqual({
      reason: 'out-of-memory',
      guard: { ...s.guard, batchSize: 1, accumulation: 2 },
    });
    expect(t.notice?.message).toContain('continuing with 1 and 2 accumulated');
    const u = reduce(t, { type: 'trainer-rebuilt' });
    expect(u).toMatchObject({
      status: 'running',
      rebuild: null,
      groupLosses: [],
      guard: { batchSize: 1, accumulation: 2 },
    });
  });

  it('out of memory with a batch of 1 halts', () => {
    const t = reduce(fresh(1), OOM);
    expect(t.status).toBe('halted');
    expect(t.notice?.message).toContain('even with a batch of 1');
  });

  it('a lost device rewinds cursor, steps and loss to the restart point, and rebuilds from it', () => {
    const at = checkpoint(2);
    const s = run(
      { ...fresh(), cursor: { epoch: 0, offset: 2 }, runSteps: 2, lastLoss: 5 },
      { type: 'saved', checkpoint: at, final: false },
    );
    const moved = { ...s, cursor: { epoch: 1, offset: 2 }, runSteps: 4, lastLoss: 1, groupLosses: [1] };
    const t = reduce(moved, LOST);
    expect(t).toMatchObject({
      status: 'rebuilding',
      cursor: { epoch: 0, offset: 2 },
      runSteps: 2,
      lastLoss: 5,
    });
    expect(t.guard.deviceRecoveries).toBe(1);
    expect(t.rebuild).toEqual({ reason: 'device-lost', guard: t.guard });
    expect(t.notice?.message).toContain('checkpoint at step 2');
    expect(reduce(t, { type: 'trainer-rebuilt' })).toMatchObject({ status: 'running', groupLosses: [] });
  });

  it('a lost device before any checkpoint of this run starts it over; one too many halts', () => {
    const other = initialLoopState(PLAN, {
      batchSize: 2,
      accumulation: 1,
      checkpoint: checkpoint(3, { runId: 'earlier round' }),
    });
    expect(reduce(other, LOST).notice?.message).toContain('before the first checkpoint');
    const worn = { ...fresh(), guard: { ...fresh().guard, deviceRecoveries: 3 } };
    expect(reduce(worn, LOST)).toMatchObject({ status: 'halted', notice: { level: 'error' } });
  });

  it('failures apply only while running; a rebuild only while rebuilding', () => {
    for (const status of ['rebuilding', 'finished', 'halted'] as const) {
      const s = withStatus(fresh(), status);
      expect(reduce(s, OOM)).toBe(s);
      expect(reduce(s, LOST)).toBe(s);
    }
    for (const status of ['running', 'finished', 'halted'] as const) {
      const s = withStatus(fresh(), status);
      expect(reduce(s, { type: 'trainer-rebuilt' })).toBe(s);
    }
  });
});

describe('epochPermutation (loop.ts): the one epoch shuffle', () => {
  it('is pinned by (seed, epoch), whatever the batch size', () => {
    expect(epochPermutation(6, 3, 0)).toEqual([4, 3, 1, 2, 0, 5]);
    expect(epochPermutation(6, 3, 1)).toEqual([5, 4, 2, 0, 3, 1]);
    expect(epochPermutation(10, 0, 0)).toEqual([3, 8, 6, 4, 5, 9, 7, 1, 0, 2]);
  });
});
