import { it } from 'vitest';
import { buildTrainingArtifacts } from '../../src/lib/onnx/training/artifacts';
import { createSession } from '../../src/lib/onnx/training/runtime';
import { OnnxModel } from '../../src/lib/onnx/graph/model';
import { readFloat32 } from '../../src/lib/onnx/proto/tensor';
import { attrTensor } from '../../src/lib/onnx/graph/attributes';
import { runtimeFor, BACKENDS } from '../lib/onnx/training/helpers/backends';
import { GradFixture, relativeMaxError } from '../lib/onnx/training/helpers/grad-fixtures';
import { fixtureInputFeeds, fixtureLoraValues, shapesOf, trainableFeeds } from '../lib/onnx/training/helpers/feeds';
import { gradientReference, FIXTURE_LORA } from '../lib/onnx/training/helpers/reference';
function lowerPow(bytes: Uint8Array): Uint8Array {
  const m = OnnxModel.decode(bytes); const g = m.graph;
  const consts = new Map<string, number>();
  for (const n of g.nodes) if (n.opType === 'Constant') { try { consts.set(n.output![0]!, readFloat32(attrTensor(n, 'value'))[0]!); } catch { /* */ } }
  for (const [k, t] of g.initializers) if ((t.dims ?? []).length === 0) { try { consts.set(k, readFloat32(t)[0]!); } catch { /* */ } }
  let count = 0; const seen: number[] = [];
  g.nodes = g.nodes.flatMap((n) => {
    if (n.opType !== 'Pow') return [n];
    const e = consts.get(n.input![1]!); seen.push(e ?? NaN);
    const x = n.input![0]!;
    if (e === 2) { count++; return [{ ...n, opType: 'Mul', input: [x, x] }]; }
    if (e === 3) { count++; const sq = g.uniqueName(`${n.name}_sq`); return [{ name: sq, opType: 'Mul', input: [x, x], output: [sq] }, { ...n, opType: 'Mul', input: [sq, x] }]; }
    return [n];
  });
  console.log('POW exponents', JSON.stringify(seen), 'lowered', count);
  return m.encode();
}
it('pow', async () => {
  for (const backend of BACKENDS) for (const [extra, lower] of [[{}, false], [{}, true], [{ 'optimization.disable_specified_optimizers': '' }, true], [{ 'optimization.disable_specified_optimizers': '' }, false]] as const) {
    const f = new GradFixture('gpt2-a');
    const a = buildTrainingArtifacts(lower ? lowerPow(f.modelBytes) : f.modelBytes, FIXTURE_LORA, shapesOf(f));
    const s = await createSession({ ...runtimeFor(backend), sessionOptions: { extra } }, a.training);
    const out = await s.run({ ...fixtureInputFeeds(f), ...trainableFeeds(a, fixtureLoraValues(f, a)) });
    await s.release();
    const ref = gradientReference(f, 'lora', a.adapters);
    let m = 0; for (const [t, e] of ref.gradients) m = Math.max(m, relativeMaxError(out[a.gradients.get(t)!]!.data as Float32Array, e));
    console.log(`MEASURE ${backend} fusionsOn=${'optimization.disable_specified_optimizers' in extra} lowerPow=${lower} grad ${m.toExponential(2)}`);
  }
}, 1_200_000);
