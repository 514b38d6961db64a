/** The training step's matrix products (bench/lib/gemm-shapes.ts) on onnxruntime-node's CPU EP, `threads` intra-op threads. */
import * as ort from 'onnxruntime-node';
import { gemmModel, STEP_GEMMS, timeGemm, type GemmTiming } from './lib/gemm-shapes';

export async function benchGemmNode(
  threads: number,
): Promise<{ runtime: string; threads: number; timings: GemmTiming[] }> {
  const timings: GemmTiming[] = [];
  for (const shape of STEP_GEMMS) {
    const session = await ort.InferenceSession.create(gemmModel(shape), { intraOpNumThreads: threads });
    const x = new ort.Tensor('float32', new Float32Array(shape.m * shape.k).fill(0.5), [shape.m, shape.k]);
    timings.push(await timeGemm(shape, () => session.run({ x })));
    await session.release();
  }
  return { runtime: 'onnxruntime-node cpu', threads, timings };
}
