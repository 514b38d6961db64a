/**
 * Trainer state on the CPU EP: resuming from a checkpoint continues bit-identically, gradient accumulation
 * averages micro-batches, and a non-finite loss skips the step.
 */
import { describe, expect, it } from 'vitest';
import { buildTrainingArtifacts, type TrainingArtifacts } from '../../../../src/lib/train/graph/artifacts';
import type { TrainingBatch } from '../../../../src/lib/train/graph/batches';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  CheckpointMismatchError,
} from '../../../../src/lib/train/checkpoints/format';
import { DEFAULT_OPTIMIZER, type OptimizerConfig } from '../../../../src/lib/train/graph/optimizer-config';
import { Trainer, type TrainerOptions } from '../../../../src/lib/train/graph/trainer';
import { runtimeFor } from './helpers/backends';
import { fixtureBatch } from './helpers/batch';
import { shapesOf } from './helpers/feeds';
import { GradFixture } from './helpers/grad-fixtures';

const fixture = new GradFixture('gpt2-a');
const OPTIMIZER: OptimizerConfig = { ...DEFAULT_OPTIMIZER, lr: 1e-2, weightDecay: 0.01 };
const artifacts: TrainingArtifacts = buildTrainingArtifacts(
  fixture.modelBytes,
  { kind: 'subset', lastBlocks: 1 },
  shapesOf(fixture),
);
const batch = fixtureBatch(fixture);

/** The same inputs with other sample weights: another gradient. */
const otherBatch: TrainingBatch = { ...batch, weights: Float32Array.from([0.25, 1.5, 1]) };

function options(extra: Partial<TrainerOptions> = {}): TrainerOptions {
  return { runtime: runtimeFor('cpu'), artifacts, modelId: 'gpt2-a', optimizer: OPTIMIZER, ...extra };
}

function bitsEqual(a: Map<string, Float32Array>, b: Map<string, Float32Array>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, x] of a) {
    const y = b.get(name);
    if (
      !y ||
      !Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(
        Buffer.from(y.buffer, y.byteOffset, y.byteLength),
      )
    )
      return false;
  }
  return true;
}

describe('trainer state on the CPU EP', () => {
  it('resumes from a checkpoint bit-identically (RAdam crosses into its rectified phase after step 5)', async () => {
    const steps = 9;
    const straight = await Trainer.create(options());
    const straightLosses: number[] = [];
    for (let i = 0; i < steps; i++)
      straightLosses.push((await straight.trainStep(i % 2 ? otherBatch : batch)).loss);
    const expected = await straight.weights();
    await straight.release();

    const first = await Trainer.create(options());
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) losses.push((await first.trainStep(i % 2 ? otherBatch : batch)).loss);
    const blob = encodeCheckpoint(await first.checkpoint({ epoch: 0, cursor: 4 }));
    await first.release();

    const restored = decodeCheckpoint(blob);
    expect(restored.step).toBe(4);
    expect(restored.extra).toEqual({ epoch: 0, cursor: 4 });
    const second = await Trainer.create(options({ resume: restored }));
    for (let i = 4; i < steps; i++) losses.push((await second.trainStep(i % 2 ? otherBatch : batch)).loss);
    expect(second.step).toBe(steps);
    expect(losses).toEqual(straightLosses);
    expect(bitsEqual(await second.weights(), expected)).toBe(true);
    await second.release();
  });

  it('refuses a checkpoint of another model', async () => {
    const trainer = await Trainer.create(options());
    const checkpoint = await trainer.checkpoint();
    await trainer.release();
    await expect(Trainer.create(options({ modelId: 'another', resume: checkpoint }))).rejects.toThrow(
      CheckpointMismatchError,
    );
  });

  it('averages accumulated micro-batches: two halves equal one update on the mean gradient', async () => {
    // Accumulating the same micro-batch twice: (g + g) · 1/2 == g exactly in float32.
    const once = await Trainer.create(options());
    await once.trainStep(batch);
    const twice = await Trainer.create(options({ accumulation: 2 }));
    const first = await twice.trainStep(batch);
    expect(first.updated).toBe(false);
    const second = await twice.trainStep(batch);
    expect(second.updated).toBe(true);
    expect(second.step).toBe(1);
    expect(bitsEqual(await twice.weights(), await once.weights())).toBe(true);

    // Two different micro-batches move the weights differently from either one alone.
    const mixed = await Trainer.create(options({ accumulation: 2 }));
    await mixed.trainStep(batch);
    await mixed.trainStep(otherBatch);
    expect(bitsEqual(await mixed.weights(), await once.weights())).toBe(false);
    for (const t of [once, twice, mixed]) await t.release();
  });

  it('skips a step whose loss is not finite, leaving the weights as they were', async () => {
    const trainer = await Trainer.create(options());
    const before = await trainer.weights();
    const poisoned: TrainingBatch = {
      ...batch,
      encoderStates: batch.encoderStates.map((v, i) => (i === 3 ? NaN : v)),
    };
    const report = await trainer.trainStep(poisoned);
    expect(report).toMatchObject({ skipped: true, updated: false, step: 0 });
    expect(Number.isNaN(report.loss)).toBe(true);
    expect(bitsEqual(await trainer.weights(), before)).toBe(true);
    const next = await trainer.trainStep(batch);
    expect(next).toMatchObject({ skipped: false, updated: true, step: 1 });
    await trainer.release();
  });
});
