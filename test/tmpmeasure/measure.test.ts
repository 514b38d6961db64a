import { it } from 'vitest';
import { buildTrainingArtifacts } from '../../src/lib/onnx/training/artifacts';
import { createSession } from '../../src/lib/onnx/training/runtime';
import { trainablePreset } from '../../src/lib/onnx/training/selection';
import { runtimeFor, BACKENDS } from '../lib/onnx/training/helpers/backends';
import { GradFixture, relativeMaxError } from '../lib/onnx/training/helpers/grad-fixtures';
import { fixtureInputFeeds, fixtureLoraValues, shapesOf, trainableFeeds } from '../lib/onnx/training/helpers/feeds';
import { gradientReference, FIXTURE_LORA, gradientTolerance } from '../lib/onnx/training/helpers/reference';
const CASES = [
  ['gpt2-a', trainablePreset('full-decoder'), 'weights'],
  ['gpt2-b', trainablePreset('full-decoder'), 'weights'],
  ['gpt2-student-like', { kind: 'subset', lastBlocks: 1 }, 'weights'],
  ['gpt2-a', FIXTURE_LORA, 'lora'],
  ['gpt2-student-like', FIXTURE_LORA, 'lora'],
] as const;
it('measure', async () => {
  for (const backend of BACKENDS) for (const [name, spec, kind] of CASES) {
    const f = new GradFixture(name);
    const a = buildTrainingArtifacts(f.modelBytes, spec as never, shapesOf(f));
    const values = kind === 'lora' ? fixtureLoraValues(f, a) : a.initial;
    const s = await createSession(runtimeFor(backend), a.training);
    const out = await s.run({ ...fixtureInputFeeds(f), ...trainableFeeds(a, values) });
    await s.release();
    const ref = gradientReference(f, kind, a.adapters);
    let m = 0; for (const [t, e] of ref.gradients) m = Math.max(m, relativeMaxError(out[a.gradients.get(t)!]!.data as Float32Array, e));
    const le = Math.abs((out.loss!.data[0] as number) - ref.loss) / ref.loss;
    console.log(`MEASURE ${backend} ${name} ${kind} grad ${m.toExponential(2)} bound ${gradientTolerance(ref.torchFloat32Error).toExponential(2)} loss ${le.toExponential(2)}`);
  }
}, 1_200_000);
