/**
 * The training loop's sequencing and guardrails over a scripted fake trainer (the real trainer runs in
 * service.test.ts): which samples each step sees, checkpoints and cursors, and what out-of-memory, a lost device,
 * diverging losses and Stop do.
 */
import { describe, expect, it } from 'vitest';
import type { TrainingShapes } from '../../../src/lib/train/graph/artifacts';
import type { TrainingBatch, TrainingSample } from '../../../src/lib/train/graph/batches';
import type { Checkpoint } from '../../../src/lib/train/checkpoints/format';
import type { StepReport } from '../../../src/lib/train/graph/trainer';
import { RunStoppedError } from '../../../src/lib/train/rounds/errors';
import type { TuningCheckpoint } from '../../../src/lib/train/checkpoints/data';
import {
  epochPermutation,
  runTuningLoop,
  type LoopEvent,
  type TrainerLike,
  type TrainerRequest,
  type TuningLoopOptions,
} from '../../../src/lib/train/loop';

const SEQ = 4;
const SPECIAL = { start: 100, end: 101, pad: 102 };
const SAMPLES: TrainingSample[] = Array.from({ length: 6 }, (_, i) => ({
  tokens: [i],
  encoderStates: new Float32Array([i]),
}));

type Fault = 'oom' | 'lost' | 'nan' | 'bug';

/** Scripted faults by trainStep call number (1-based, across every trainer of one run). */
class Script {
  calls = 0;
  readonly seen: number[][] = [];
  readonly created: TrainerRequest[] = [];
  constructor(readonly faults: ReadonlyMap<number, Fault> = new Map()) {}
}

/** A trainer whose one weight counts the samples it has learned; its loss is 10 minus that weight. */
class FakeTrainer implements TrainerLike {
  lrScale = 1;
  step: number;
  private weight: number;
  private pending = 0;
  private pendingSum = 0;

  constructor(
    private readonly script: Script,
    private readonly accumulation: number,
    resume?: TuningCheckpoint,
  ) {
    this.step = resume?.step ?? 0;
    this.weight = resume ? resume.tensors[0]!.data[0]! : 0;
  }

  get learningRate(): number {
    return 0.1 * this.lrScale;
  }

  async trainStep(batch: TrainingBatch): Promise<StepReport> {
    const call = ++this.script.calls;
    const ids = Array.from({ length: batch.samples }, (_, b) => Number(batch.tokens[b * SEQ + 1]));
    const fault = this.script.faults.get(call);
    if (fault === 'oom')
      throw Object.assign(new Error('failed to allocate a buffer'), { name: 'GPUOutOfMemoryError' });
    if (fault === 'lost') throw new Error('GPU device was lost: destroyed');
    if (fault === 'bug') throw new TypeError('a bug');
    this.script.seen.push(ids);
    const loss = fault === 'nan' ? NaN : 10 - this.weight;
    if (!Number.isFinite(loss)) return { loss, skipped: true, updated: false, step: this.step };
    this.pending++;
    this.pendingSum += ids.length;
    if (this.pending < this.accumulation) return { loss, skipped: false, updated: false, step: this.step };
    return { loss, ...this.update() };
  }

  async flush() {
    return this.pending > 0 ? this.update() : undefined;
  }

  async checkpoint(extra?: unknown): Promise<Checkpoint> {
    if (this.pending > 0) throw new Error('mid-accumulation');
    const data = new Float32Array([this.weight]);
    return {
      step: this.step,
      modelId: 'fake',
      config: { lrScale: this.lrScale, user: { settings: {}, sequence: SEQ, adapters: [], trainables: [] } },
      tensors: (['param', 'exp_avg', 'exp_avg_sq'] as const).map((slot) => ({
        name: 'w',
        slot,
        dims: [1],
        data,
      })),
      extra,
    };
  }

  async release() {}

  private update() {
    this.weight += this.pendingSum;
    this.pending = 0;
    this.pendingSum = 0;
    this.step++;
    return { skipped: false, updated: true, step: this.step, lr: this.learningRate, gradNorm: 1 };
  }
}

function setup(overrides: Partial<TuningLoopOptions> & { faults?: Map<number, Fault> } = {}) {
  const script = new Script(overrides.faults);
  const events: LoopEvent[] = [];
  const saved: TuningCheckpoint[] = [];
  const options: TuningLoopOptions = {
    runId: 'run',
    samples: SAMPLES,
    special: SPECIAL,
    epochs: 2,
    seed: 3,
    batchSize: 2,
    accumulation: 1,
    checkpointEvery: 2,
    control: { yieldPoint: async () => {} },
    createTrainer: async (request) => {
      script.created.push(request);
      const shapes: TrainingShapes = {
        batch: request.batchSize,
        sequence: SEQ,
        encoderSequence: 1,
        encoderWidth: 1,
      };
      return { trainer: new FakeTrainer(script, request.accumulation, request.resume), shapes };
    },
    onEvent: (event) => events.push(event),
    onCheckpoint: async ({ checkpoint }) => void saved.push(checkpoint),
    ...overrides,
  };
  return { script, events, saved, options };
}

const steps = (events: LoopEvent[]) => events.flatMap((e) => (e.kind === 'step' ? [e] : []));
const epochSamples = (seen: number[][], from: number, to: number) => seen.slice(from, to).flat().sort();

describe('runTuningLoop', () => {
  it('shows each sample once per epoch, in the epoch permutation, with checkpoints every N steps and at the end', async () => {
    const { script, events, saved, options } = setup();
    const result = await runTuningLoop(options);
    const order = [...epochPermutation(6, 3, 0), ...epochPermutation(6, 3, 1)];
    expect(script.seen.flat()).toEqual(order);
    expect(script.seen.every((ids) => ids.length === 2)).toBe(true);
    expect(steps(events).map((s) => [s.step, s.epoch, s.loss])).toEqual([
      [1, 0, 10],
      [2, 0, 8],
      [3, 0, 6],
      [4, 1, 4],
      [5, 1, 2],
      [6, 1, 0],
    ]);
    expect(saved.map((c) => [c.step, c.extra.kind, c.extra.cursor])).toEqual([
      [2, 'interval', { epoch: 0, offset: 4 }],
      [4, 'interval', { epoch: 1, offset: 2 }],
      [6, 'interval', { epoch: 1, offset: 6 }],
      [6, 'final', { epoch: 2, offset: 0 }],
    ]);
    expect(result).toMatchObject({ runSteps: 6, lastLoss: 0 });
  });

  it('continues a run at its checkpoint cursor: the remaining samples, not the epoch again', async () => {
    const first = setup({ faults: new Map([[4, 'bug']]) });
    await expect(runTuningLoop(first.options)).rejects.toThrow(TypeError);
    const at = first.saved.at(-1)!;
    expect(at.extra.cursor).toEqual({ epoch: 0, offset: 4 });
    const rest = setup({ start: { checkpoint: at, continues: true } });
    await runTuningLoop(rest.options);
    const uninterrupted = setup();
    await runTuningLoop(uninterrupted.options);
    expect([...first.script.seen.slice(0, 2), ...rest.script.seen]).toEqual(uninterrupted.script.seen);
    expect(steps(rest.events).map((s) => s.step)).toEqual([3, 4, 5, 6]);
  });

  it('halves the batch and doubles accumulation on out-of-memory, retrying the same samples with the state kept', async () => {
    const { script, events, options } = setup({ faults: new Map([[2, 'oom']]), checkpointEvery: 100 });
    await runTuningLoop(options);
    expect(script.created.map((r) => [r.batchSize, r.accumulation, r.resume?.step])).toEqual([
      [2, 1, undefined],
      [1, 2, 1],
    ]);
    expect(script.created[1]!.resume!.tensors[0]!.data[0]).toBe(2); // the 2 samples learned before
    expect(events).toContainEqual({ kind: 'batch-size', batchSize: 1, accumulation: 2 });
    const notice = events.find((e) => e.kind === 'notice');
    expect(notice).toMatchObject({ notice: { level: 'warning' } });
    expect(notice?.kind === 'notice' && notice.notice.message).toContain(
      'continuing with 1 and 2 accumulated',
    );
    expect(epochSamples(script.seen, 0, 5)).toEqual([0, 1, 2, 3, 4, 5]);
    // The effective batch stays 2 samples a step: 3 steps per epoch, as before.
    expect(steps(events).map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(steps(events).at(-1)!.loss).toBe(0);
  });

  it('applies a half-done accumulation before rebuilding for a smaller batch', async () => {
    const { script, events, options } = setup({
      faults: new Map([[2, 'oom']]),
      batchSize: 2,
      accumulation: 2,
      checkpointEvery: 100,
    });
    await runTuningLoop(options);
    expect(script.created.map((r) => [r.batchSize, r.accumulation, r.resume?.step])).toEqual([
      [2, 2, undefined],
      [1, 4, 1],
    ]);
    expect(steps(events)[0]).toMatchObject({ step: 1, loss: 10 });
    expect(script.seen.flat().slice(0, 6).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('recreates the trainer from the last checkpoint after a lost device and rewinds the curve', async () => {
    const { script, events, saved, options } = setup({ faults: new Map([[4, 'lost']]) });
    const result = await runTuningLoop(options);
    expect(script.created.map((r) => r.resume?.step)).toEqual([undefined, 2]);
    expect(events.filter((e) => e.kind === 'rewind')).toEqual([{ kind: 'rewind', step: 2 }]);
    expect(steps(events).map((s) => s.step)).toEqual([1, 2, 3, 3, 4, 5, 6]);
    // The step lost with the device is done again on the same samples.
    expect(script.seen[2]).toEqual(script.seen[3]);
    expect(result.runSteps).toBe(6);
    expect(saved.at(-1)!.extra.guard.deviceRecoveries).toBe(1);
  });

  it('starts the run over when the device is lost before the first checkpoint, and gives up after 3 losses', async () => {
    const early = setup({ faults: new Map([[1, 'lost']]) });
    await runTuningLoop(early.options);
    expect(early.events.filter((e) => e.kind === 'rewind')).toEqual([{ kind: 'rewind', step: 0 }]);
    const notice = early.events.find((e) => e.kind === 'notice');
    expect(notice?.kind === 'notice' && notice.notice.message).toContain('before the first checkpoint');

    const faults = new Map<number, Fault>([1, 2, 3, 4].map((n) => [n, 'lost']));
    await expect(runTuningLoop(setup({ faults }).options)).rejects.toMatchObject({
      name: 'TrainingHaltedError',
      message: expect.stringContaining('lost 4 times'),
    });
  });

  it('skips non-finite losses with a lower rate, and halts when they keep coming', async () => {
    const once = setup({ faults: new Map([[2, 'nan']]), batchSize: 1 });
    const result = await runTuningLoop(once.options);
    expect(result.runSteps).toBe(11);
    const lrs = steps(once.events).map((s) => s.lr);
    expect(lrs[0]).toBeCloseTo(0.1, 12);
    expect(lrs.slice(1).every((lr) => Math.abs(lr - 0.05) < 1e-12)).toBe(true);

    const faults = new Map<number, Fault>([1, 2, 3, 4, 5, 6].map((n) => [n, 'nan']));
    await expect(runTuningLoop(setup({ faults, batchSize: 1 }).options)).rejects.toMatchObject({
      name: 'TrainingHaltedError',
    });
  });

  it('lets other errors through untouched', async () => {
    await expect(runTuningLoop(setup({ faults: new Map([[1, 'bug']]) }).options)).rejects.toThrow('a bug');
  });

  it('on Stop, saves the steps done since the last checkpoint, then stops', async () => {
    let yields = 0;
    const { saved, options } = setup({
      checkpointEvery: 100,
      control: {
        yieldPoint: async () => {
          if (++yields === 3) throw new RunStoppedError();
        },
      },
    });
    await expect(runTuningLoop(options)).rejects.toBeInstanceOf(RunStoppedError);
    expect(saved.map((c) => [c.step, c.extra.cursor])).toEqual([[2, { epoch: 0, offset: 4 }]]);
  });
});
