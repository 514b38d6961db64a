/**
 * Training in the student worker, driven directly (as the worker exposes it) on the tiny ViT-GPT2 student and 8
 * real photos, on onnxruntime-node's CPU EP: the loss falls, checkpoints come every N steps and at the end,
 * each image is encoded once, a stopped run continued from its checkpoint repeats the uninterrupted run's losses
 * exactly, and captioning afterwards uses the tuned weights.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/lib/train/checkpoints/format';
import type { CaptionRequest } from '../../../src/lib/caption/types';
import { DEFAULT_TUNING_SETTINGS, type TuningSettings } from '../../../src/lib/train/settings';
import type { TrainRequest, TrainingEvent } from '../../../src/lib/train/worker-api';
import { readTuningCheckpoint } from '../../../src/lib/train/checkpoints/data';
import { nodeWorker, photosById, TINY_ID, TRAIN_SAMPLES } from './helpers/node-tuning';

/** A learning rate the tiny random student visibly learns with in a few steps (the seed's 5e-5 is for the real one). */
const FAST: TuningSettings = { ...DEFAULT_TUNING_SETTINGS, optimizer: 'adamw', lr: 1e-2, batchSize: 2 };

const request = (settings: Partial<TuningSettings>, extra: Partial<TrainRequest> = {}): TrainRequest => ({
  runId: 'run-1',
  source: { kind: 'id', modelId: TINY_ID },
  device: 'wasm',
  samples: TRAIN_SAMPLES,
  settings: { ...FAST, ...settings },
  ...extra,
});

interface Recorded {
  events: TrainingEvent[];
  steps: { step: number; loss: number; lr: number }[];
  checkpoints: { step: number; bytes: Uint8Array; final: boolean }[];
  imageCalls: string[][];
}

function recorder(onEvent?: (event: TrainingEvent) => void) {
  const r: Recorded = { events: [], steps: [], checkpoints: [], imageCalls: [] };
  let photos: Map<string, CaptionRequest> | null = null;
  return {
    r,
    onEvent: (event: TrainingEvent) => {
      r.events.push(event);
      if (event.kind === 'step') r.steps.push({ step: event.step, loss: event.loss, lr: event.lr });
      if (event.kind === 'checkpoint')
        r.checkpoints.push({ step: event.step, bytes: event.bytes, final: event.final });
      onEvent?.(event);
    },
    images: async (ids: string[]) => {
      r.imageCalls.push(ids);
      photos ??= new Map((await photosById(TRAIN_SAMPLES.map((s) => s.imageId))).map((p) => [p.id, p]));
      return ids.map((id) => photos!.get(id)!);
    },
  };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('TuningService on the tiny student (CPU EP)', () => {
  let worker: ReturnType<typeof nodeWorker>;
  let first: ReturnType<typeof recorder>;

  beforeAll(async () => {
    worker = nodeWorker();
    first = recorder();
    await worker.tuning.train(request({ epochs: 3, checkpointEvery: 4 }), first.onEvent, first.images);
  }, 120_000);

  it('lowers the loss: the last epoch averages below the first', () => {
    const losses = first.r.steps.map((s) => s.loss);
    expect(losses).toHaveLength(12); // 8 samples, batches of 2, 3 epochs
    expect(mean(losses.slice(8))).toBeLessThan(mean(losses.slice(0, 4)) - 0.5);
    expect(first.r.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('writes a checkpoint every N steps and a final one, each readable with its cursor', () => {
    expect(first.r.checkpoints.map((c) => [c.step, c.final])).toEqual([
      [4, false],
      [8, false],
      [12, false],
      [12, true],
    ]);
    const last = readTuningCheckpoint(first.r.checkpoints.at(-1)!.bytes);
    expect(last.extra).toMatchObject({
      runId: 'run-1',
      kind: 'final',
      cursor: { epoch: 3, offset: 0 },
      runSteps: 12,
    });
    expect(last.config.user.settings.lr).toBe(1e-2);
    expect(last.config.user.adapters.length).toBeGreaterThan(0);
  });

  it('encodes every image once, and the next round reuses the states and the training graph', async () => {
    expect(first.r.imageCalls.flat().sort()).toEqual(TRAIN_SAMPLES.map((s) => s.imageId).sort());
    const builds = worker.tuning.artifactBuilds;
    const next = recorder();
    const final = first.r.checkpoints.at(-1)!.bytes;
    await worker.tuning.train(
      request({ epochs: 1 }, { runId: 'run-2', start: { bytes: final, continues: false } }),
      next.onEvent,
      next.images,
    );
    expect(next.r.imageCalls).toEqual([]);
    expect(worker.tuning.artifactBuilds).toBe(builds);
    // A new run from the last weights: steps count from 1 again, and the loss starts where training left it.
    expect(next.r.steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    expect(next.r.steps[0]!.loss).toBeLessThan(first.r.steps[0]!.loss - 0.5);
  }, 120_000);
});

describe('stopping and continuing a run (CPU EP, exact)', () => {
  it('continues from the last checkpoint with the same losses as an uninterrupted run', async () => {
    const settings = { epochs: 2, batchSize: 2, accumulation: 2, checkpointEvery: 1 };
    const whole = recorder();
    await nodeWorker().tuning.train(request(settings), whole.onEvent, whole.images);
    expect(whole.r.steps).toHaveLength(4); // 4 micro-batches per epoch, 2 per step

    const stopped = nodeWorker();
    const part = recorder((event) => {
      if (event.kind === 'step' && event.step === 2) void stopped.tuning.stopTraining();
    });
    await expect(stopped.tuning.train(request(settings), part.onEvent, part.images)).rejects.toMatchObject({
      name: 'RunStoppedError',
    });
    expect(part.r.steps.map((s) => s.step)).toEqual([1, 2]);
    const resumeFrom = part.r.checkpoints.at(-1)!;
    expect(resumeFrom.step).toBe(2);

    // A reload: a fresh worker, the same run id, the stored checkpoint.
    const rest = recorder();
    await nodeWorker().tuning.train(
      request(settings, { start: { bytes: resumeFrom.bytes, continues: true } }),
      rest.onEvent,
      rest.images,
    );
    expect([...part.r.steps, ...rest.r.steps]).toEqual(whole.r.steps);
  }, 180_000);
});

describe('control and guardrails (CPU EP)', () => {
  it('pauses between steps and goes on after Resume', async () => {
    const { tuning } = nodeWorker();
    let resolvePaused: () => void = () => {};
    const paused = new Promise<void>((resolve) => (resolvePaused = resolve));
    const run = recorder((event) => {
      if (event.kind === 'step' && event.step === 1) void tuning.pauseTraining();
      if (event.kind === 'state' && event.state === 'paused') resolvePaused();
    });
    const done = tuning.train(request({ epochs: 1 }), run.onEvent, run.images);
    // A run that fails before its first step (e.g. its photos cannot be read) never pauses: fail with its
    // error at once instead of waiting for `paused` until the test times out.
    await Promise.race([
      paused,
      done.then(() => {
        throw new Error('the run ended without pausing');
      }),
    ]);
    const stepsWhilePaused = run.r.steps.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(run.r.steps.length).toBe(stepsWhilePaused);
    await tuning.resumeTraining();
    const result = await done;
    expect(result.steps).toBe(4);
    expect(run.r.steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
  }, 120_000);

  it('skips a step whose loss is not finite, halves the learning rate and says so', async () => {
    const samples = TRAIN_SAMPLES.slice(0, 4).map((s, i) => ({ ...s, weight: i === 0 ? Infinity : 1 }));
    const run = recorder();
    const result = await nodeWorker().tuning.train(
      request({ epochs: 1, batchSize: 1 }, { samples }),
      run.onEvent,
      run.images,
    );
    const notices = run.r.events.flatMap((e) => (e.kind === 'notice' ? [e.notice] : []));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.level).toBe('warning');
    expect(notices[0]!.message).toMatch(/skipped: the loss was (NaN|\+∞).*lowered to ×0\.5/);
    expect(result.steps).toBe(3);
    const lrs = run.r.steps.map((s) => s.lr);
    const skippedAt = run.r.events.findIndex((e) => e.kind === 'notice');
    const before = run.r.events.slice(0, skippedAt).filter((e) => e.kind === 'step').length;
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(i < before ? 1e-2 : 5e-3, 12));
  }, 120_000);

  it('refuses a second run at once, a set without words, and a checkpoint of another decoder', async () => {
    const { tuning } = nodeWorker();
    const run = recorder();
    const going = tuning.train(request({ epochs: 1 }), run.onEvent, run.images);
    await expect(tuning.train(request({ epochs: 1 }), run.onEvent, run.images)).rejects.toMatchObject({
      name: 'TrainingBusyError',
    });
    await going;
    const empty = TRAIN_SAMPLES.map((s) => ({ ...s, text: '   ' }));
    await expect(
      tuning.train(request({}, { samples: empty }), run.onEvent, run.images),
    ).rejects.toMatchObject({
      name: 'NoTrainingDataError',
    });
    const foreign = decodeCheckpoint(run.r.checkpoints.at(-1)!.bytes);
    const bytes = encodeCheckpoint({ ...foreign, modelId: '0'.repeat(64) });
    await expect(
      tuning.train(request({}, { start: { bytes, continues: false } }), run.onEvent, run.images),
    ).rejects.toMatchObject({ name: 'CheckpointMismatchError' });
    await expect(tuning.train(request({ epochs: 0 }), run.onEvent, run.images)).rejects.toMatchObject({
      name: 'TuningSettingsError',
    });
  }, 120_000);
});
