/**
 * Training graphs (forward + loss + gradients) against PyTorch autograd on GPT-2 decoders with cross-attention
 * exported by torch.onnx (tools/make_grad_fixtures.py), on onnxruntime-node's CPU and WebGPU EPs.
 *
 * Tolerance, per tensor, relative to its scale (max |torch float64|): 1e-6 + 4 × the largest error PyTorch's own
 * float32 gradients have in the same case (against float64). That largest error measures how well conditioned
 * the case is in float32 (8.7e-7 for the full decoders, 6.6e-6 for gpt2-a's LoRA adapters); our graph runs in
 * float32 too, in other summation orders (other reductions on the GPU), so errors of that size are expected,
 * while a wrong rule errs by O(1) of the scale and fails by far.
 * The loss is checked to 1e-6 relative (float32 rounding of a sum over 15 tokens).
 */
import { describe, expect, it } from 'vitest';
import { buildTrainingArtifacts } from '../../../../src/lib/onnx/training/artifacts';
import { createSession } from '../../../../src/lib/onnx/training/runtime';
import { trainablePreset } from '../../../../src/lib/onnx/training/selection';
import type { TrainableSpec } from '../../../../src/lib/onnx/training/selection';
import { BACKENDS, runtimeFor } from './helpers/backends';
import { fixtureInputFeeds, fixtureLoraValues, shapesOf, trainableFeeds } from './helpers/feeds';
import { GradFixture, relativeMaxError } from './helpers/grad-fixtures';

const tolerance = (torchFloat32Error: number): number => 1e-6 + 4 * torchFloat32Error;
const LOSS_TOLERANCE = 1e-6;

interface Case {
  fixture: string;
  spec: TrainableSpec;
  /** Which fixture gradients to compare with. */
  kind: 'weights' | 'lora';
  /** Also on WebGPU (SwiftShader compiles every kernel on a first run, ~20–40 s a graph on two cores). */
  webgpu: boolean;
}

/** The fixtures' LoRA: rank 2, alpha 4, on every projection of every block. */
const LORA: TrainableSpec = {
  kind: 'lora',
  rank: 2,
  alpha: 4,
  roles: ['self-attn', 'cross-attn', 'mlp'],
  seed: 0,
};

const CASES: Case[] = [
  { fixture: 'gpt2-a', spec: trainablePreset('full-decoder'), kind: 'weights', webgpu: true },
  { fixture: 'gpt2-b', spec: trainablePreset('full-decoder'), kind: 'weights', webgpu: true },
  { fixture: 'gpt2-student-like', spec: { kind: 'subset', lastBlocks: 1 }, kind: 'weights', webgpu: false },
  { fixture: 'gpt2-a', spec: LORA, kind: 'lora', webgpu: false },
  { fixture: 'gpt2-student-like', spec: LORA, kind: 'lora', webgpu: true },
];

describe.each(BACKENDS)('training graph gradients on %s', (backend) => {
  it.each(CASES.filter((c) => backend === 'cpu' || c.webgpu))(
    '$fixture, $spec.kind: loss and gradients match PyTorch float64',
    async ({ fixture: name, spec, kind }) => {
      const fixture = new GradFixture(name);
      const artifacts = buildTrainingArtifacts(fixture.modelBytes, spec, shapesOf(fixture));
      const values = kind === 'lora' ? fixtureLoraValues(fixture, artifacts) : artifacts.initial;
      const session = await createSession(runtimeFor(backend), artifacts.training);
      const out = await session.run({ ...fixtureInputFeeds(fixture), ...trainableFeeds(artifacts, values) });
      await session.release();

      const expectedLoss =
        kind === 'lora' ? fixture.config.lora!.loss_f64 : fixture.config.gradients.loss_f64;
      expect(Math.abs((out.loss!.data[0] as number) - expectedLoss) / expectedLoss).toBeLessThan(
        LOSS_TOLERANCE,
      );

      /** trainable → fixture key of its gradient, without the precision part. */
      const keys = new Map<string, (precision: string) => string>();
      if (kind === 'lora') {
        expect(artifacts.adapters.map((a) => a.target).sort()).toEqual(
          [...fixture.config.lora!.targets].sort(),
        );
        for (const a of artifacts.adapters) {
          keys.set(a.a, (p) => `lora.gradA.${p}.${a.target}`);
          keys.set(a.b, (p) => `lora.gradB.${p}.${a.target}`);
        }
      } else {
        expect(artifacts.trainables.map((t) => t.name).sort()).toEqual(
          [...fixture.config.gradients.weights!].sort(),
        );
        for (const w of fixture.config.gradients.weights!) keys.set(w, (p) => `grad.${p}.${w}`);
      }
      const torchError = Math.max(
        ...[...keys.values()].map((key) =>
          relativeMaxError(fixture.float(key('f32')), fixture.float(key('f64'))),
        ),
      );
      for (const [trainable, key] of keys) {
        const ours = out[artifacts.gradients.get(trainable)!]!.data as Float32Array;
        expect(relativeMaxError(ours, fixture.float(key('f64'))), trainable).toBeLessThan(
          tolerance(torchError),
        );
      }
    },
    300_000,
  );
});
