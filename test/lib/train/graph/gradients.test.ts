/**
 * Training graphs (forward + loss + gradients) against PyTorch autograd on GPT-2 decoders with cross-attention
 * exported by torch.onnx (tools/make_grad_fixtures.py), on onnxruntime-node's CPU and WebGPU EPs. Tolerances and
 * their reasons: helpers/reference.ts (the same bounds hold ORT Web in e2e/training-graphs.spec.ts).
 */
import { describe, expect, it } from 'vitest';
import { buildTrainingArtifacts } from '../../../../src/lib/train/graph/artifacts';
import { createSession } from '../../../../src/lib/train/graph/runtime';
import { trainablePreset } from '../../../../src/lib/train/graph/selection';
import type { TrainableSpec } from '../../../../src/lib/train/graph/selection';
import { BACKENDS, runtimeFor } from './helpers/backends';
import { fixtureInputFeeds, fixtureLoraValues, shapesOf, trainableFeeds } from './helpers/feeds';
import { GradFixture, relativeMaxError } from './helpers/grad-fixtures';
import {
  FIXTURE_LORA as LORA,
  gradientReference,
  gradientTolerance,
  LOSS_TOLERANCE,
  type ReferenceKind,
} from './helpers/reference';

interface Case {
  fixture: string;
  spec: TrainableSpec;
  /** Which fixture gradients to compare with. */
  kind: ReferenceKind;
  /** Also on WebGPU (SwiftShader compiles every kernel on a first run, ~20–40 s a graph on two cores). */
  webgpu: boolean;
}

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

      const reference = gradientReference(fixture, kind, artifacts.adapters);
      expect(Math.abs((out.loss!.data[0] as number) - reference.loss) / reference.loss).toBeLessThan(
        LOSS_TOLERANCE,
      );
      if (kind === 'lora')
        expect(artifacts.adapters.map((a) => a.target).sort()).toEqual(
          [...fixture.config.lora!.targets].sort(),
        );
      expect(artifacts.trainables.map((t) => t.name).sort()).toEqual([...reference.gradients.keys()].sort());
      for (const [trainable, expected] of reference.gradients) {
        const ours = out[artifacts.gradients.get(trainable)!]!.data as Float32Array;
        expect(relativeMaxError(ours, expected), trainable).toBeLessThan(
          gradientTolerance(reference.torchFloat32Error),
        );
      }
    },
    300_000,
  );
});
