import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  DuplicateNameError,
  GraphStructureError,
  OnnxModel,
  UnknownTensorError,
  attrInt,
  float,
  foldConstants,
  inferShapes,
  int,
} from '../../../../src/lib/onnx/graph';
import { DataType, float32Tensor, readFloat32 } from '../../../../src/lib/onnx/proto';

const FIXTURE = join(import.meta.dirname, '../../../fixtures/onnx/gpt2-xattn-tiny.onnx');
const loadGpt2 = (): OnnxModel => OnnxModel.decode(new Uint8Array(readFileSync(FIXTURE)));

function tinyModel(): OnnxModel {
  const m = new OnnxModel({ irVersion: 9, opsetImport: [{ domain: '', version: 20 }] });
  m.graph.addInput('x', DataType.FLOAT, ['batch', 3]);
  m.graph.addInitializer(
    float32Tensor(
      'w',
      [4, 3],
      Array.from({ length: 12 }, (_, i) => i / 10),
    ),
  );
  return m;
}

describe('Graph builder', () => {
  it('builds a model ORT runs, with unique names and tagged attributes', async () => {
    const m = tinyModel();
    const g = m.graph;
    const y = g.add('Gemm', ['x', 'w'], { transB: int(1), alpha: float(2) });
    const z = g.add('Relu', [y]);
    g.addOutput(z, DataType.FLOAT, ['batch', 4]);
    expect(g.uniqueName('Gemm')).toBe('Gemm_1'); // 'Gemm' is the first node's name
    expect(() => g.addInput('w', DataType.FLOAT, [1])).toThrow(DuplicateNameError);
    expect(attrInt(g.nodes[0]!, 'transB')).toBe(1);
    const session = await ort.InferenceSession.create(m.encode());
    const x = new ort.Tensor('float32', Float32Array.from([1, -1, 2]), [1, 3]);
    const out = (await session.run({ x }))[z]!.data as Float32Array;
    // 2 · x·wᵀ: rows of w are [0 .1 .2], [.3 .4 .5], …
    expect(Array.from(out).map((v) => +v.toFixed(5))).toEqual([0.6, 1.8, 3, 4.2]);
  });

  it('promotes an initializer to a graph input and back', () => {
    const g = tinyModel().graph;
    const value = g.promoteToInput('w');
    expect(g.initializers.has('w')).toBe(false);
    expect(g.inputs.map((i) => i.name)).toEqual(['x', 'w']);
    expect(readFloat32(value)[11]).toBeCloseTo(1.1, 6);
    g.demoteToInitializer('w', value);
    expect(g.inputs.map((i) => i.name)).toEqual(['x']);
    expect(g.initializers.get('w')).toBeDefined();
    expect(() => g.promoteToInput('nope')).toThrow(UnknownTensorError);
  });

  it('orders nodes topologically and detects cycles', () => {
    const g = tinyModel().graph;
    g.addNode('Relu', ['b'], { outputs: ['c'], name: 'second' });
    g.addNode('Neg', ['x'], { outputs: ['b'], name: 'first' });
    expect(g.topologicalOrder().map((n) => n.name)).toEqual(['first', 'second']);
    g.addNode('Add', ['c', 'd'], { outputs: ['e'] });
    g.addNode('Neg', ['e'], { outputs: ['d'] });
    expect(() => g.topologicalOrder()).toThrow(GraphStructureError);
  });

  it('prunes nodes and initializers no output needs', () => {
    const g = tinyModel().graph;
    const used = g.add('Neg', ['x']);
    g.add('MatMul', ['x', 'w']);
    g.addOutput(used);
    g.prune();
    expect(g.nodes.map((n) => n.opType)).toEqual(['Neg']);
    expect(g.initializers.size).toBe(0);
  });
});

describe('inferShapes / foldConstants on a torch.onnx GPT-2 export', () => {
  const shapes = { input_ids: [2, 5], encoder_hidden_states: [2, 7, 16] };

  it('carries symbolic dims through to the output', () => {
    const m = loadGpt2();
    const known = inferShapes(m.graph, 17);
    expect(known.get('logits')?.dims).toEqual(['batch', 'seq', 64]);
  });

  it('with fixed input shapes knows every float tensor statically', () => {
    const m = loadGpt2();
    const known = inferShapes(m.graph, 17, { inputShapes: shapes });
    const floats = m.graph.nodes
      .flatMap((n) => n.output ?? [])
      .filter((o) => known.get(o)?.dtype === DataType.FLOAT);
    expect(floats.length).toBeGreaterThan(100);
    for (const o of floats)
      expect(
        known.get(o)?.dims?.every((d) => typeof d === 'number'),
        o,
      ).toBe(true);
  });

  it('folds all shape arithmetic and keeps outputs identical in ORT', async () => {
    const original = loadGpt2();
    const m = original.clone();
    const known = inferShapes(m.graph, 17, { inputShapes: shapes });
    const folded = foldConstants(m.graph, known);
    expect(folded).toBeGreaterThan(600);
    const ops = new Set(m.graph.nodes.map((n) => n.opType));
    for (const shapeOp of [
      'Shape',
      'ConstantOfShape',
      'Range',
      'Concat',
      'Unsqueeze',
      'Equal',
      'Where',
      'Expand',
    ])
      expect(ops.has(shapeOp), shapeOp).toBe(false);
    expect(original.graph.nodes.length).toBe(747); // the clone was edited, not the original
    const feeds = {
      input_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 60n, 61n, 0n, 7n, 8n]),
        [2, 5],
      ),
      encoder_hidden_states: new ort.Tensor(
        'float32',
        Float32Array.from({ length: 224 }, (_, i) => Math.cos(i)),
        [2, 7, 16],
      ),
    };
    const run = async (model: OnnxModel): Promise<number[]> => {
      const s = await ort.InferenceSession.create(model.encode());
      return Array.from((await s.run(feeds)).logits!.data as Float32Array);
    };
    const [a, b] = [await run(original), await run(m)];
    expect(b.length).toBe(640);
    // Not bit-exact: with static shapes ORT's optimizer fuses differently (e.g. MatMul+Add, Gelu), which
    // reorders float32 sums; logits are O(0.1), so 1e-6 is a few ulps and far below any folding mistake.
    const maxDiff = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    expect(maxDiff).toBeLessThan(1e-6);
  });
});
