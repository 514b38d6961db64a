/**
 * Softmax NaN guards (src/lib/onnx/graph/drop-softmax-nan-guards.ts): Where(Not(Equal(p, p)), 0, p) after a
 * softmax whose constant mask leaves a finite entry in every row is p itself, so it goes; a mask with a fully
 * masked row, or one that is not a constant, keeps it.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxModel, dropSoftmaxNanGuards, inferShapes } from '../../../../src/lib/onnx/graph';
import { DataType, float32Tensor } from '../../../../src/lib/onnx/proto';

const T = 3;
const causal = (fullyMaskedRow?: number): number[] =>
  Array.from({ length: T * T }, (_, i) => {
    const [row, col] = [Math.floor(i / T), i % T];
    return col <= row && row !== fullyMaskedRow ? 0 : -Infinity;
  });

/** scores [2, T, T] + mask → Softmax → NaN guard (as lowered for WebGPU) → MatMul with v → y. */
function guardedAttention(mask: 'constant' | 'input', fullyMaskedRow?: number): OnnxModel {
  const m = new OnnxModel({ irVersion: 9, opsetImport: [{ domain: '', version: 18 }] });
  const g = m.graph;
  g.addInput('scores', DataType.FLOAT, [2, T, T]);
  g.addInput('v', DataType.FLOAT, [2, T, 4]);
  if (mask === 'input') g.addInput('mask', DataType.FLOAT, [1, T, T]);
  else g.addInitializer(float32Tensor('mask', [1, T, T], causal(fullyMaskedRow)));
  g.addInitializer(float32Tensor('zero', [], [0]));
  const p = g.add('Softmax', [g.add('Add', ['scores', 'mask'])], {});
  const nan = g.add('Not', [g.add('Equal', [p, p])]);
  g.addNode('MatMul', [g.add('Where', [nan, 'zero', p]), 'v'], { outputs: ['y'] });
  g.addOutput('y');
  return m;
}

const drop = (m: OnnxModel): number => dropSoftmaxNanGuards(m.graph, inferShapes(m.graph, 18));

describe('dropSoftmaxNanGuards', () => {
  it('drops the guard where every row of the constant mask has a finite entry', () => {
    const m = guardedAttention('constant');
    expect(drop(m)).toBe(1);
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['Add', 'Softmax', 'MatMul']);
  });

  it('keeps it where a row is fully masked or the mask is an input', () => {
    for (const m of [guardedAttention('constant', 1), guardedAttention('input')]) {
      expect(drop(m)).toBe(0);
      expect(m.graph.nodes.map((n) => n.opType)).toContain('Where');
    }
  });

  it('computes the same for finite scores (ORT CPU)', async () => {
    const feeds = {
      scores: new ort.Tensor(
        'float32',
        Float32Array.from({ length: 2 * T * T }, (_, i) => Math.sin(i) * 3),
        [2, T, T],
      ),
      v: new ort.Tensor(
        'float32',
        Float32Array.from({ length: 2 * T * 4 }, (_, i) => Math.cos(i)),
        [2, T, 4],
      ),
    };
    const run = async (m: OnnxModel): Promise<Float32Array> => {
      const session = await ort.InferenceSession.create(m.encode());
      try {
        return (await session.run(feeds))['y']!.data as Float32Array;
      } finally {
        await session.release();
      }
    };
    const before = await run(guardedAttention('constant'));
    const dropped = guardedAttention('constant');
    drop(dropped);
    expect(Array.from(await run(dropped))).toEqual(Array.from(before));
  });
});
