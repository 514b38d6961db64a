/**
 * Benchmark page (driven by `npm run bench -- gemm`): the training step's matrix products (bench/lib/gemm-shapes.ts)
 * on onnxruntime-web's WASM EP in Chromium, on every core as the studio's worker runs it (?threads=N for fewer).
 */
import * as ort from 'onnxruntime-web/webgpu';
import { runBench, status } from './lib/bench-page';
import { gemmModel, STEP_GEMMS, timeGemm, type GemmTiming } from './lib/gemm-shapes';

runBench(async () => {
  const params = new URLSearchParams(location.search);
  ort.env.wasm.wasmPaths = '/ort/';
  const threads = Number(params.get('threads') ?? 0);
  ort.env.wasm.numThreads = threads > 0 ? threads : Math.max(1, navigator.hardwareConcurrency || 1);
  const timings: GemmTiming[] = [];
  for (const shape of STEP_GEMMS) {
    status(`${shape.name}: building`);
    const session = await ort.InferenceSession.create(gemmModel(shape), { executionProviders: ['wasm'] });
    const x = new ort.Tensor('float32', new Float32Array(shape.m * shape.k).fill(0.5), [shape.m, shape.k]);
    status(`${shape.name}: timing`);
    timings.push(await timeGemm(shape, () => session.run({ x })));
    await session.release();
  }
  return { runtime: 'onnxruntime-web wasm (Chromium)', threads: ort.env.wasm.numThreads, timings };
});
