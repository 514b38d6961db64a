/**
 * LoRA injection (src/lib/train/graph/lora.ts) on a one-projection graph, both forms: a Gemm projection gets one
 * Gemm(x·A, B, y, alpha) for up-projection, scale and sum; a MatMul projection (rows of any rank) gets MatMul,
 * MatMul, Mul, Add. Either way the graph computes y + (alpha / rank)·(x·A)·B (checked on the CPU EP against the
 * same sum in float64).
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxModel } from '../../../../src/lib/onnx/graph/model';
import { DataType, float32Tensor } from '../../../../src/lib/onnx/proto/tensor';
import { injectLora } from '../../../../src/lib/train/graph/lora';
import type { Projection } from '../../../../src/lib/train/graph/structure';

const IN = 4;
const OUT = 3;
const RANK = 2;
const ALPHA = 6;

const values = (n: number, seed: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));

/** y = x · W as a Gemm on rows [2, IN] or a MatMul on [1, 2, IN], with the adapter injected. */
function adapted(op: 'Gemm' | 'MatMul'): { bytes: Uint8Array; ops: string[]; rows: number[] } {
  const model = new OnnxModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'projection' },
  });
  const g = model.graph;
  const rows = op === 'Gemm' ? [2, IN] : [1, 2, IN];
  g.addInput('x', DataType.FLOAT, rows);
  g.initializers.set('w', float32Tensor('w', [IN, OUT], values(IN * OUT, 1)));
  const y = g.add(op, ['x', 'w']);
  g.addOutput(g.add('Identity', [y]), DataType.FLOAT, null);
  const node = g.nodes.find((n) => n.opType === op)!;
  const projection: Projection = {
    node,
    input: 'x',
    weight: 'w',
    bias: undefined,
    layout: 'in-out',
    inFeatures: IN,
    outFeatures: OUT,
    role: 'mlp',
    block: 0,
  };
  injectLora(g, [projection], RANK, ALPHA);
  return { bytes: model.encode(), ops: g.nodes.map((n) => n.opType ?? ''), rows };
}

describe('injectLora', () => {
  it.each(['Gemm', 'MatMul'] as const)('adds (alpha / rank)·(x·A)·B to a %s projection', async (op) => {
    const { bytes, ops, rows } = adapted(op);
    expect(ops).toEqual(
      op === 'Gemm'
        ? ['Gemm', 'MatMul', 'Gemm', 'Identity']
        : ['MatMul', 'MatMul', 'MatMul', 'Mul', 'Add', 'Identity'],
    );
    const x = values(2 * IN, 2);
    const a = values(IN * RANK, 3);
    const b = values(RANK * OUT, 4);
    const w = values(IN * OUT, 1);
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({
      x: new ort.Tensor('float32', x, rows),
      'w.lora_A': new ort.Tensor('float32', a, [IN, RANK]),
      'w.lora_B': new ort.Tensor('float32', b, [RANK, OUT]),
    });
    const got = out[session.outputNames[0]!]!.data as Float32Array;
    for (let r = 0; r < 2; r++)
      for (let o = 0; o < OUT; o++) {
        let base = 0;
        let delta = 0;
        for (let i = 0; i < IN; i++) base += x[r * IN + i]! * w[i * OUT + o]!;
        for (let k = 0; k < RANK; k++) {
          let down = 0;
          for (let i = 0; i < IN; i++) down += x[r * IN + i]! * a[i * RANK + k]!;
          delta += down * b[k * OUT + o]!;
        }
        expect(got[r * OUT + o]).toBeCloseTo(base + (ALPHA / RANK) * delta, 5);
      }
    await session.release();
  });
});
