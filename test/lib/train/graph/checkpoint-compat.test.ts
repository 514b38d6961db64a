/**
 * Checkpoints across the fused optimizer (issue 16). The stored format did not change: moments are stored per
 * tensor, the trainer joins them into its flat buffers on resume and splits them on save.
 * test/fixtures/checkpoints/per-tensor-step{4,7}.cgck were written by the trainer before the optimizer was fused
 * (commit e040119, per-tensor optimizer graph): gpt2-a, preset lora-r8, RAdam lr 1e-2, weight decay 0.01, the
 * fixture batch and the same batch with sample weights [0.25, 1.5, 1] alternating, checkpoints after 4 and 7 steps
 * (`extra.losses`: the losses up to then).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  type Checkpoint,
} from '../../../../src/lib/train/checkpoints/format';
import { buildTrainingArtifacts } from '../../../../src/lib/train/graph/artifacts';
import { DEFAULT_OPTIMIZER } from '../../../../src/lib/train/graph/optimizer-config';
import { trainablePreset } from '../../../../src/lib/train/graph/selection';
import { Trainer } from '../../../../src/lib/train/graph/trainer';
import { runtimeFor } from './helpers/backends';
import { fixtureBatch, shapesOf } from './helpers/batch';
import { GradFixture, relativeMaxError } from './helpers/grad-fixtures';

const fixture = new GradFixture('gpt2-a');
const artifacts = buildTrainingArtifacts(fixture.modelBytes, trainablePreset('lora-r8'), shapesOf(fixture));
const batch = fixtureBatch(fixture);
const otherBatch = { ...batch, weights: Float32Array.from([0.25, 1.5, 1]) };
const OPTIMIZER = { ...DEFAULT_OPTIMIZER, lr: 1e-2, weightDecay: 0.01 };

function stored(step: number): Checkpoint {
  const path = join(__dirname, `../../../fixtures/checkpoints/per-tensor-step${step}.cgck`);
  return decodeCheckpoint(new Uint8Array(readFileSync(path)));
}

const layout = (c: Checkpoint) => c.tensors.map((t) => ({ name: t.name, slot: t.slot, dims: [...t.dims] }));

describe('checkpoints written before the optimizer was fused', () => {
  it('resume in the fused trainer and continue as the per-tensor trainer did (losses within 1e-6, state within 1e-5)', async () => {
    const old = stored(4);
    const expected = stored(7);
    const trainer = await Trainer.create({
      runtime: runtimeFor('cpu'),
      artifacts,
      modelId: 'gpt2-a',
      optimizer: OPTIMIZER,
      resume: old,
    });
    // Before any step, saving gives back exactly what was loaded (join and split of the flat moments).
    const reloaded = await trainer.checkpoint();
    expect(layout(reloaded)).toEqual(layout(old));
    reloaded.tensors.forEach((t, i) => expect(t.data).toEqual(old.tensors[i]!.data));

    const losses = [...(old.extra as { losses: number[] }).losses];
    for (let i = 4; i < 7; i++) losses.push((await trainer.trainStep(i % 2 ? otherBatch : batch)).loss);
    const expectedLosses = (expected.extra as { losses: number[] }).losses;
    losses.forEach((loss, i) =>
      expect(Math.abs(loss - expectedLosses[i]!)).toBeLessThan(1e-6 * expectedLosses[i]!),
    );

    const saved = decodeCheckpoint(encodeCheckpoint(await trainer.checkpoint()));
    await trainer.release();
    // New checkpoints keep the old layout (per tensor, format 1): the code before the change reads them.
    expect(saved.step).toBe(7);
    expect(layout(saved)).toEqual(layout(expected));
    // Three training steps carry the optimizer's last-bit differences (the gradient norm is summed in another
    // order) through the model: measured 1.1e-6, bounded as the README's 8-step LoRA runs (final adapters).
    saved.tensors.forEach((t, i) =>
      expect(relativeMaxError(t.data, expected.tensors[i]!.data), `${t.slot} ${t.name}`).toBeLessThan(1e-5),
    );
  });
});
