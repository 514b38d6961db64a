/** The gemm bench's one-node graphs compute x · w, and its timing helper reports the median and the rate it makes. */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxModel } from '../../src/lib/onnx/graph/model';
import { readFloat32 } from '../../src/lib/onnx/proto/tensor';
import { gemmFlops, gemmModel, STEP_GEMMS, timeGemm } from '../../bench/lib/gemm-shapes';

describe('gemmModel', () => {
  it('multiplies x [m, k] by its initializer w [k, n]', async () => {
    const shape = { name: 'small', m: 3, k: 4, n: 5, role: 'test' };
    const bytes = gemmModel(shape);
    const w = OnnxModel.decode(bytes).graph.initializers.get('w')!;
    expect(w.dims).toEqual([4, 5]);
    const weights = readFloat32(w);
    const x = Float32Array.from({ length: 12 }, (_, i) => i - 6);
    const session = await ort.InferenceSession.create(bytes);
    const outputs = await session.run({ x: new ort.Tensor('float32', x, [3, 4]) });
    const data = outputs[session.outputNames[0]!]!.data as Float32Array;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 5; j++) {
        let expected = 0;
        for (let t = 0; t < 4; t++) expected += x[i * 4 + t]! * weights[t * 5 + j]!;
        expect(data[i * 5 + j]).toBeCloseTo(expected, 5);
      }
    await session.release();
  });

  it('names the real-size step products with their flops', () => {
    expect(STEP_GEMMS.map((s) => s.name)).toEqual(['cross-attention-kv', 'mlp-up', 'vocab-head']);
    expect(gemmFlops(STEP_GEMMS[0]!)).toBe(2 * 1576 * 768 * 1536);
  });
});

describe('timeGemm', () => {
  it('reports the median of the timed runs, after the warm-up runs', async () => {
    let calls = 0;
    const shape = { name: 's', m: 10, k: 10, n: 10, role: 'test' };
    const timing = await timeGemm(shape, async () => void calls++, 2, 5);
    expect(calls).toBe(7);
    expect(timing.name).toBe('s');
    expect(timing.gflops).toBeCloseTo(gemmFlops(shape) / timing.ms / 1e6, 9);
  });
});
