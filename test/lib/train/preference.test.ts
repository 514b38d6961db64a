/**
 * Preference (DPO) runs through the TuningService on the tiny student and 8 real photos (CPU EP): the first
 * step's loss is exactly log 2 (the policy is its own reference then), the loss falls, the references are
 * measured once and stored in every checkpoint, a run continued from a checkpoint trains as the uninterrupted
 * one did, and a request without pairs is refused with its reason.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readTuningCheckpoint } from '../../../src/lib/train/checkpoints/data';
import { NoTrainingDataError } from '../../../src/lib/train/errors';
import { DEFAULT_TUNING_SETTINGS, type TuningSettings } from '../../../src/lib/train/settings';
import type { TrainRequest, TrainingEvent } from '../../../src/lib/train/worker-api';
import { nodeWorker, photosById, TINY_ID, TRAIN_SAMPLES } from './helpers/node-tuning';

const PREFERENCE: TuningSettings = {
  ...DEFAULT_TUNING_SETTINGS,
  optimizer: 'adamw',
  lr: 1e-2,
  batchSize: 2,
  objective: { kind: 'preference', beta: 0.5, chosenWeight: 0 },
};

/** Each caption is chosen over the next sample's caption (about another photo). */
const PAIRS: TrainRequest['samples'] = TRAIN_SAMPLES.map((s, i) => ({
  ...s,
  rejected: TRAIN_SAMPLES[(i + 1) % TRAIN_SAMPLES.length]!.text,
}));

const request = (settings: Partial<TuningSettings>, extra: Partial<TrainRequest> = {}): TrainRequest => ({
  runId: 'pref-1',
  source: { kind: 'id', modelId: TINY_ID },
  device: 'wasm',
  samples: PAIRS,
  settings: { ...PREFERENCE, ...settings },
  ...extra,
});

function recorder() {
  const losses: number[] = [];
  const checkpoints: { step: number; bytes: Uint8Array; final: boolean }[] = [];
  return {
    losses,
    checkpoints,
    onEvent: (event: TrainingEvent) => {
      if (event.kind === 'step') losses.push(event.loss);
      if (event.kind === 'checkpoint') checkpoints.push(event);
    },
    images: async (ids: string[]) => photosById(ids),
  };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('preference runs on the tiny student (CPU EP)', () => {
  let worker: ReturnType<typeof nodeWorker>;
  let run: ReturnType<typeof recorder>;

  beforeAll(async () => {
    worker = nodeWorker();
    run = recorder();
    await worker.tuning.train(request({ epochs: 3, checkpointEvery: 4 }), run.onEvent, run.images);
  }, 120_000);

  it('starts at log 2 (the policy is its own reference) and lowers the loss', () => {
    expect(run.losses).toHaveLength(12); // 8 pairs, 2 pairs a step, 3 epochs
    expect(run.losses[0]).toBeCloseTo(Math.LN2, 5);
    expect(mean(run.losses.slice(8))).toBeLessThan(mean(run.losses.slice(0, 4)) - 0.05);
  });

  it('stores the reference log-probabilities of every pair in its checkpoints', () => {
    const first = readTuningCheckpoint(run.checkpoints[0]!.bytes).extra.references!;
    const last = readTuningCheckpoint(run.checkpoints.at(-1)!.bytes).extra.references!;
    expect(first).toHaveLength(PAIRS.length);
    expect(last).toEqual(first);
    for (const [chosen, rejected] of first) {
      expect(chosen).toBeLessThan(0);
      expect(rejected).toBeLessThan(0);
    }
  });

  it('continues a run from its checkpoint with the references it stored', async () => {
    const at4 = run.checkpoints.find((c) => c.step === 4 && !c.final)!;
    const resumed = recorder();
    await worker.tuning.train(
      request({ epochs: 3, checkpointEvery: 4 }, { start: { bytes: at4.bytes, continues: true } }),
      resumed.onEvent,
      resumed.images,
    );
    expect(resumed.losses).toHaveLength(8);
    resumed.losses.forEach((loss, i) => expect(loss).toBeCloseTo(run.losses[4 + i]!, 4));
  }, 120_000);

  it('refuses a run with no pair to train on', async () => {
    const r = recorder();
    const unpaired = request({}, { samples: TRAIN_SAMPLES });
    await expect(worker.tuning.train(unpaired, r.onEvent, r.images)).rejects.toThrow(NoTrainingDataError);
  });
});
