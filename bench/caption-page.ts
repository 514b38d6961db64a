/**
 * Benchmark page (served by vite, driven by bench/caption.mjs): images per second of the studio's batched
 * student worker against transformers.js's default pipeline('image-to-text') called one image at a time,
 * in the same browser, on the same pixels, with the same forced number of new tokens.
 */
import { env, pipeline, RawImage } from '@huggingface/transformers';
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/webgpu';
import type { CaptionProgress, CaptionRequest, PixelImage, StudentDevice } from '../src/lib/caption/types';
import type { StudentWorkerApi } from '../src/lib/caption/worker-api';
import { adapterName, loadBenchPhotos, runBench, status } from './lib/bench-page';

export interface BenchParams {
  modelId: string;
  device: StudentDevice;
  images: number;
  batchSize: number;
  tokens: number;
  /** WASM threads for the default pipeline; null: ORT's default. (The worker uses every core.) */
  pipelineThreads: number | null;
}

interface PathResult {
  seconds: number;
  imagesPerSecond: number;
  warmupSeconds: number;
  loadSeconds: number;
  captions: string[];
}

export interface BenchPageResult {
  ours: PathResult & { batchSize: number; medianMsBetweenReports: number | null };
  pipeline: PathResult;
  adapter: string | null;
  /** WASM threads: the worker's (every core) and the default pipeline's (undefined: ORT's default). */
  threads: { ours: number; pipeline: number | null };
}

const seconds = (start: number): number => (performance.now() - start) / 1000;

async function benchOurs(params: BenchParams, pixels: PixelImage[]): Promise<BenchPageResult['ours']> {
  const worker = new Worker(new URL('../workers/student.worker.ts', import.meta.url), { type: 'module' });
  const student = Comlink.wrap<StudentWorkerApi>(worker);
  try {
    status('ours: loading the model');
    let start = performance.now();
    await student.load({
      source: { kind: 'id', modelId: params.modelId, allowRemote: false },
      device: params.device,
    });
    const loadSeconds = seconds(start);
    const settings = {
      strategy: 'greedy' as const,
      numBeams: 1,
      maxNewTokens: params.tokens,
      minNewTokens: params.tokens,
      batchSize: params.batchSize,
    };
    const requests = (): CaptionRequest[] =>
      pixels.map((image, i) => ({ id: String(i), image: { ...image, data: image.data.slice() } }));
    // Warm-up: one full batch compiles every shader shape the timed run will use.
    status('ours: warm-up batch');
    start = performance.now();
    await student.caption(requests().slice(0, params.batchSize), settings);
    const warmupSeconds = seconds(start);
    status('ours: timed run');
    const reportTimes: number[] = [];
    start = performance.now();
    const result = await student.caption(
      requests(),
      settings,
      Comlink.proxy((p: CaptionProgress) => {
        reportTimes.push(performance.now());
        status(`ours: timed run, ${(p.fraction * 100).toFixed(0)} %`);
      }),
    );
    const elapsed = seconds(start);
    const gaps = reportTimes
      .slice(1)
      .map((t, i) => t - (reportTimes[i] as number))
      .sort((a, b) => a - b);
    return {
      batchSize: params.batchSize,
      seconds: elapsed,
      imagesPerSecond: pixels.length / elapsed,
      warmupSeconds,
      loadSeconds,
      captions: result.items.map((item) => (item.status === 'done' ? item.caption : `<${item.status}>`)),
      medianMsBetweenReports: gaps[Math.floor(gaps.length / 2)] ?? null,
    };
  } finally {
    student[Comlink.releaseProxy]();
    worker.terminate();
  }
}

async function benchPipeline(params: BenchParams, pixels: PixelImage[]): Promise<PathResult> {
  // The same one runtime and app-served WASM files as the worker; local model files only.
  ort.env.wasm.wasmPaths = {
    mjs: `${location.origin}/ort/ort-wasm-simd-threaded.asyncify.mjs`,
    wasm: `${location.origin}/ort/ort-wasm-simd-threaded.asyncify.wasm`,
  };
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = '/models/';
  env.useBrowserCache = false;
  // ORT's default (half the cores, at most 4) unless the run asks for the worker's thread count, to split the
  // speed-up into what threads give and what batching gives.
  if (params.pipelineThreads !== null) ort.env.wasm.numThreads = params.pipelineThreads;
  status('pipeline: loading the model');
  let start = performance.now();
  const captioner = await pipeline('image-to-text', params.modelId, { device: params.device, dtype: 'fp32' });
  const loadSeconds = seconds(start);
  const options = { max_new_tokens: params.tokens, min_new_tokens: params.tokens };
  const images = pixels.map((p) => new RawImage(p.data, p.width, p.height, 4));
  status('pipeline: warm-up image');
  start = performance.now();
  await captioner(images[0] as RawImage, options);
  const warmupSeconds = seconds(start);
  status('pipeline: timed run');
  const captions: string[] = [];
  start = performance.now();
  for (const [i, image] of images.entries()) {
    status(`pipeline: timed image ${i + 1}/${images.length}`);
    const [output] = (await captioner(image, options)) as { generated_text: string }[];
    captions.push(output?.generated_text ?? '<none>');
  }
  const elapsed = seconds(start);
  await captioner.dispose();
  return { seconds: elapsed, imagesPerSecond: images.length / elapsed, warmupSeconds, loadSeconds, captions };
}

const emptyResult: PathResult = {
  seconds: 0,
  imagesPerSecond: 0,
  warmupSeconds: 0,
  loadSeconds: 0,
  captions: [],
};

async function main(): Promise<BenchPageResult> {
  const query = new URLSearchParams(location.search);
  const params: BenchParams = {
    modelId: query.get('model') ?? 'bench/vit-gpt2-real-size',
    device: query.get('device') === 'wasm' ? 'wasm' : 'webgpu',
    images: Number(query.get('images') ?? 8),
    batchSize: Number(query.get('batch') ?? 8),
    tokens: Number(query.get('tokens') ?? 16),
    pipelineThreads: query.get('pipelineThreads') ? Number(query.get('pipelineThreads')) : null,
  };
  status('decoding images');
  const pixels: PixelImage[] = await loadBenchPhotos(params.images);
  status('ours');
  const ours = await benchOurs(params, pixels);
  status('pipeline');
  const reference = query.get('only') === 'ours' ? emptyResult : await benchPipeline(params, pixels);
  return {
    ours,
    pipeline: reference,
    adapter: await adapterName(),
    threads: { ours: navigator.hardwareConcurrency, pipeline: ort.env.wasm.numThreads ?? null },
  };
}

runBench(main);
