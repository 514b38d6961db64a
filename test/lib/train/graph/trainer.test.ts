/**
 * The trainer against PyTorch: TRAJECTORY_STEPS updates of LoRA adapters on one fixed batch, with
 * torch.optim.RAdam / AdamW, weight decay and clip_grad_norm_ (tools/make_grad_fixtures.py, float32).
 * Tolerances and their reasons: TRAJECTORY_TOLERANCE in helpers/reference.ts. On the CPU EP; the same RAdam
 * trajectory on the WebGPU EP runs in gpu-resident.test.ts, with the state kept on the device as Node now keeps it.
 */
import { describe, expect, it } from 'vitest';
import { buildTrainingArtifacts } from '../../../../src/lib/train/graph/artifacts';
import { Trainer } from '../../../../src/lib/train/graph/trainer';
import { runtimeFor } from './helpers/backends';
import { fixtureBatch } from './helpers/batch';
import { fixtureLoraValues, shapesOf } from './helpers/feeds';
import { GradFixture, manifest, relativeMaxError } from './helpers/grad-fixtures';
import { FIXTURE_LORA as LORA, fixtureOptimizer, TRAJECTORY_TOLERANCE } from './helpers/reference';

const LOSS_TOLERANCE = TRAJECTORY_TOLERANCE.loss;
const WEIGHT_TOLERANCE = TRAJECTORY_TOLERANCE.weights;

const fixture = new GradFixture('gpt2-a');

describe.each(['cpu'] as const)('trainer on %s', (backend) => {
  const algorithms = ['radam', 'adamw'] as const;
  it.each(algorithms)(
    'follows PyTorch %s for 8 LoRA steps',
    async (algorithm) => {
      const built = buildTrainingArtifacts(fixture.modelBytes, LORA, shapesOf(fixture));
      const artifacts = { ...built, initial: fixtureLoraValues(fixture, built) };
      const trainer = await Trainer.create({
        runtime: runtimeFor(backend),
        artifacts,
        modelId: 'gpt2-a',
        optimizer: fixtureOptimizer(manifest, algorithm),
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
