/**
 * The trainer against PyTorch: TRAJECTORY_STEPS updates of LoRA adapters on one fixed batch, with
 * torch.optim.RAdam / AdamW, weight decay and clip_grad_norm_ (tools/make_grad_fixtures.py, float32).
 * Both sides run float32 in different orders, and differences compound over the steps; measured on the CPU and
 * WebGPU EPs: losses within 1.2e-6 relative, final adapters within 3.5e-6 of their scale. Tolerances 1e-5 and
 * 5e-5; a wrong update (lr, bias correction, rectification, clipping, weight decay) is off by 1e-2 or more.
 */
import { describe, expect, it } from 'vitest';
import { buildTrainingArtifacts } from '../../../../src/lib/onnx/training/artifacts';
import type { OptimizerConfig } from '../../../../src/lib/onnx/training/optimizer-config';
import type { TrainableSpec } from '../../../../src/lib/onnx/training/selection';
import { Trainer } from '../../../../src/lib/onnx/training/trainer';
import { BACKENDS, runtimeFor } from './helpers/backends';
import { fixtureBatch } from './helpers/batch';
import { fixtureLoraValues, shapesOf } from './helpers/feeds';
import { GradFixture, manifest, relativeMaxError } from './helpers/grad-fixtures';

const LOSS_TOLERANCE = 1e-5;
const WEIGHT_TOLERANCE = 5e-5;
const LORA: TrainableSpec = {
  kind: 'lora',
  rank: 2,
  alpha: 4,
  roles: ['self-attn', 'cross-attn', 'mlp'],
  seed: 0,
};

const fixture = new GradFixture('gpt2-a');

function optimizerFor(algorithm: 'radam' | 'adamw'): OptimizerConfig {
  const h = manifest.optimizer;
  return {
    algorithm,
    lr: h.lr,
    betas: h.betas,
    eps: h.eps,
    weightDecay: h.weight_decay,
    maxGradNorm: h.max_grad_norm,
  };
}

describe.each(BACKENDS)('trainer on %s', (backend) => {
  // One graph serves both: they differ only in the step scalars, so WebGPU runs the default (RAdam) alone.
  const algorithms = backend === 'cpu' ? (['radam', 'adamw'] as const) : (['radam'] as const);
  it.each(algorithms)(
    'follows PyTorch %s for 8 LoRA steps',
    async (algorithm) => {
      const built = buildTrainingArtifacts(fixture.modelBytes, LORA, shapesOf(fixture));
      const artifacts = { ...built, initial: fixtureLoraValues(fixture, built) };
      const trainer = await Trainer.create({
        runtime: runtimeFor(backend),
        artifacts,
        modelId: 'gpt2-a',
        optimizer: optimizerFor(algorithm),
      });
      const reference = fixture.config.trajectory![algorithm];
      const batch = fixtureBatch(fixture);
      for (const [i, expectedLoss] of reference.losses.entries()) {
        const report = await trainer.trainStep(batch);
        expect(report.updated).toBe(true);
        expect(report.step).toBe(i + 1);
        expect(Math.abs(report.loss - expectedLoss) / expectedLoss).toBeLessThan(LOSS_TOLERANCE);
        expect(Math.abs(report.gradNorm! - reference.grad_norms[i]!) / reference.grad_norms[i]!).toBeLessThan(
          1e-3,
        );
      }
      const weights = await trainer.weights();
      for (const adapter of artifacts.adapters) {
        const a = fixture.float(`trajectory.${algorithm}.A.${adapter.target}`);
        const b = fixture.float(`trajectory.${algorithm}.B.${adapter.target}`);
        expect(relativeMaxError(weights.get(adapter.a)!, a), adapter.a).toBeLessThan(WEIGHT_TOLERANCE);
        expect(relativeMaxError(weights.get(adapter.b)!, b), adapter.b).toBeLessThan(WEIGHT_TOLERANCE);
      }
      await trainer.release();
    },
    300_000,
  );
});
