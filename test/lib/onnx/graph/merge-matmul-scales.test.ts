/**
 * Attention's split scale (src/lib/onnx/graph/merge-matmul-scales.ts): MatMul(a·c₁, b·c₂) keeps one Mul by c₁c₂,
 * computes the same product on ORT's CPU EP, and is left alone where a scaled operand is read elsewhere or a
 * scale is not a constant.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxModel, inferShapes, mergeMatMulScales } from '../../../../src/lib/onnx/graph';
import { DataType, float32Tensor, readFloat32 } from '../../../../src/lib/onnx/proto';

interface Options {
  /** The second scale is a graph input, not a constant. */
  readonly variableScale?: boolean;
  /** The scaled k is also a graph output. */
  readonly exposeScaledK?: boolean;
}

/** q [2, 3, 4] · √s, kᵀ [2, 4, 5] · √s → MatMul → y, as torch.onnx exports SDPA. */
function attentionScores(options: Options = {}): OnnxModel {
  const m = new OnnxModel({ irVersion: 9, opsetImport: [{ domain: '', version: 18 }] });
  const g = m.graph;
  g.addInput('q', DataType.FLOAT, [2, 3, 4]);
  g.addInput('kt', DataType.FLOAT, [2, 4, 5]);
  const root = Math.fround(Math.sqrt(Math.fround(1 / Math.sqrt(4))));
  g.addInitializer(float32Tensor('sq', [], [root]));
  if (options.variableScale) g.addInput('sk', DataType.FLOAT, []);
  else g.addInitializer(float32Tensor('sk', [], [root]));
  const q = g.add('Mul', ['q', 'sq']);
  const k = g.add('Mul', ['sk', 'kt']); // the scalar first: either operand order is recognised
  g.addNode('MatMul', [q, k], { outputs: ['y'] });
  g.addOutput('y');
  if (options.exposeScaledK) g.addOutput(k);
  return m;
}

const merge = (m: OnnxModel): number => mergeMatMulScales(m.graph, inferShapes(m.graph, 18));

async function scores(m: OnnxModel, q: Float32Array, kt: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(m.encode());
  try {
    const out = await session.run({
      q: new ort.Tensor('float32', q, [2, 3, 4]),
      kt: new ort.Tensor('float32', kt, [2, 4, 5]),
    });
    return out['y']!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('mergeMatMulScales', () => {
  it('leaves one Mul, by the product of the two scales, on the first operand', () => {
    const m = attentionScores();
    expect(merge(m)).toBe(1);
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['Mul', 'MatMul']);
    const [mul, matmul] = m.graph.nodes as [(typeof m.graph.nodes)[0], (typeof m.graph.nodes)[0]];
    expect(mul.input![0]).toBe('q');
    expect(readFloat32(m.graph.initializers.get(mul.input![1]!)!)[0]).toBeCloseTo(0.5, 7);
    expect(matmul.input).toEqual([mul.output![0], 'kt']);
  });

  it('leaves the graph alone where a scale is not a constant or a scaled operand is read elsewhere', () => {
    for (const options of [{ variableScale: true }, { exposeScaledK: true }]) {
      const m = attentionScores(options);
      expect(merge(m)).toBe(0);
      expect(m.graph.nodes).toHaveLength(3);
    }
  });

  it('computes the same scores, to float32 rounding (ORT CPU)', async () => {
    const q = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i * 0.7) * 2);
    const kt = Float32Array.from({ length: 40 }, (_, i) => Math.cos(i * 0.3) * 1.5);
    const before = await scores(attentionScores(), q, kt);
    const merged = attentionScores();
    merge(merged);
    merged.graph.prune();
    const after = await scores(merged, q, kt);
    for (let i = 0; i < before.length; i++) expect(Math.abs(after[i]! - before[i]!)).toBeLessThan(1e-6);
  });
});
