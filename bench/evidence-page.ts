/**
 * Benchmark page (served by vite, driven by bench/evidence.mjs): crops per second of the evidence path batched
 * against one crop at a time, in the same browser, on the same crops of the same photos.
 * - Detector: the real FastestDet as shipped (batch fixed at 1: one run per crop) against its batch rewrite
 *   (src/lib/evidence/teacher/fastestdet-batch.ts) running `detBatch` crops per run; detections compared.
 * - Florence-2 (random weights at the real Florence-2-base dimensions): transformers.js's own path, one crop at
 *   a time (preprocess + vision encoder + generate from pixels), against ours (vision encoder on `visionBatch`
 *   crops per call, then generate from the features); both `<DENSE_REGION_CAPTION>` with a forced number of new
 *   tokens, plus the vision encoder alone (batched against one by one).
 */
import { env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-web/webgpu';
import { planCrops } from '../src/lib/evidence/crops';
import type { RasterImage } from '../src/lib/evidence/raster';
import { parseClassNames } from '../src/lib/evidence/fastestdet/coco-names';
import { FastestDetDetector } from '../src/lib/evidence/fastestdet/fastestdet';
import { makeFastestDetBatchable } from '../src/lib/evidence/teacher/fastestdet-batch';
import { loadTransformersFlorence } from '../src/lib/evidence/teacher/florence-transformers';
import { cropRaster } from '../src/lib/evidence/teacher/raster-crop';
import type { FlorenceDtypes } from '../src/lib/evidence/teacher/types';
import { adapterName, loadBenchPhotos, runBench, status } from './lib/bench-page';

interface Params {
  device: 'webgpu' | 'wasm';
  images: number;
  detBatch: number;
  model: string;
  florenceCrops: number;
  visionBatch: number;
  tokens: number;
  only: string;
}

const now = () => performance.now();
const rate = (n: number, ms: number) => (1000 * n) / ms;

async function benchDetector(p: Params, images: RasterImage[]) {
  const bytes = new Uint8Array(await (await fetch('/models/fastestdet/FastestDet.onnx')).arrayBuffer());
  const names = parseClassNames(await (await fetch('/models/fastestdet/coco.names')).text());
  const options = { executionProviders: [p.device] };
  const tensor = (data: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', data, [...dims]);
  const shipped = new FastestDetDetector(await ort.InferenceSession.create(bytes.slice(), options), tensor, {
    classNames: names,
  });
  const batched = new FastestDetDetector(
    await ort.InferenceSession.create(makeFastestDetBatchable(bytes.slice()), options),
    tensor,
    { classNames: names, maxBatch: p.detBatch },
  );
  const inputs = images.flatMap((image) =>
    planCrops(image.width, image.height).map((region) => ({ image, region })),
  );
  // Warm-up: every shape the timed runs use (a full batch and the last, smaller one).
  await shipped.detect(inputs.slice(0, 1));
  await batched.detect(inputs.slice(0, p.detBatch));
  if (inputs.length % p.detBatch !== 0) await batched.detect(inputs.slice(0, inputs.length % p.detBatch));
  status(`detector: one crop at a time (${inputs.length} crops)`);
  let t = now();
  const one = await shipped.detect(inputs);
  const oneMs = now() - t;
  status(`detector: batches of ${p.detBatch}`);
  t = now();
  const many = await batched.detect(inputs);
  const manyMs = now() - t;
  let maxScoreDiff = 0;
  let sameLabels = true;
  one.forEach((list, i) => {
    const other = many[i]!;
    if (list.map((d) => d.label).join() !== other.map((d) => d.label).join()) sameLabels = false;
    list.forEach(
      (d, k) => (maxScoreDiff = Math.max(maxScoreDiff, Math.abs(d.score - (other[k]?.score ?? 0)))),
    );
  });
  return {
    crops: inputs.length,
    batchSize: batched.batchSize,
    oneAtATime: { ms: oneMs, cropsPerSecond: rate(inputs.length, oneMs) },
    batched: { ms: manyMs, cropsPerSecond: rate(inputs.length, manyMs) },
    speedup: oneMs / manyMs,
    detections: one.flat().length,
    sameLabels,
    maxScoreDiff,
  };
}

async function benchFlorence(p: Params, images: RasterImage[]) {
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = '/models/';
  env.useBrowserCache = false;
  const dtypes: FlorenceDtypes = {
    embed_tokens: 'fp32',
    vision_encoder: 'fp32',
    encoder_model: 'fp32',
    decoder_model_merged: 'fp32',
  };
  let t = now();
  const florence = await loadTransformersFlorence(p.model, { device: p.device, dtypes });
  const loadMs = now() - t;
  const image = images[0]!;
  const crops = planCrops(image.width, image.height)
    .slice(0, p.florenceCrops)
    .map((c) => cropRaster(image, c));
  const gen = { maxNewTokens: p.tokens, minNewTokens: p.tokens, numBeams: 1 };
  const task = '<DENSE_REGION_CAPTION>' as const;

  status('florence: warm-up');
  const warm = await florence.encodeImages(crops.slice(0, p.visionBatch));
  await florence.run(task, warm[0]!, '', gen);
  florence.release(warm);
  florence.release(await florence.encodeImages(crops.slice(0, 1)));
  await florence.runFromPixels(task, crops[0]!, '', gen);

  status('florence: vision encoder one crop at a time');
  t = now();
  for (const c of crops) florence.release(await florence.encodeImages([c]));
  const visionOneMs = now() - t;
  status(`florence: vision encoder ${p.visionBatch} crops per call`);
  t = now();
  for (let i = 0; i < crops.length; i += p.visionBatch) {
    florence.release(await florence.encodeImages(crops.slice(i, i + p.visionBatch)));
  }
  const visionBatchedMs = now() - t;

  status('florence: transformers.js one crop at a time');
  t = now();
  const reference: string[] = [];
  for (const c of crops) reference.push((await florence.runFromPixels(task, c, '', gen)).text);
  const oneMs = now() - t;
  status('florence: ours, batched vision encoder');
  t = now();
  const ours: string[] = [];
  for (let i = 0; i < crops.length; i += p.visionBatch) {
    const features = await florence.encodeImages(crops.slice(i, i + p.visionBatch));
    for (const f of features) ours.push((await florence.run(task, f, '', gen)).text);
    florence.release(features);
  }
  const oursMs = now() - t;
  await florence.dispose();
  return {
    model: p.model,
    loadMs,
    crops: crops.length,
    newTokens: p.tokens,
    visionBatch: p.visionBatch,
    visionEncoder: {
      oneAtATime: { ms: visionOneMs, cropsPerSecond: rate(crops.length, visionOneMs) },
      batched: { ms: visionBatchedMs, cropsPerSecond: rate(crops.length, visionBatchedMs) },
      speedup: visionOneMs / visionBatchedMs,
    },
    denseRegionCaption: {
      oneAtATime: { ms: oneMs, cropsPerSecond: rate(crops.length, oneMs) },
      batched: { ms: oursMs, cropsPerSecond: rate(crops.length, oursMs) },
      speedup: oneMs / oursMs,
    },
    outputsEqual: `${ours.filter((o, i) => o === reference[i]).length}/${ours.length}`,
  };
}

async function main() {
  const q = new URLSearchParams(location.search);
  const p: Params = {
    device: q.get('device') === 'wasm' ? 'wasm' : 'webgpu',
    images: Number(q.get('images') ?? 4),
    detBatch: Number(q.get('detBatch') ?? 16),
    model: q.get('model') ?? 'bench/florence-2-real-size',
    florenceCrops: Number(q.get('florenceCrops') ?? 4),
    visionBatch: Number(q.get('visionBatch') ?? 4),
    tokens: Number(q.get('tokens') ?? 8),
    only: q.get('only') ?? '',
  };
  ort.env.wasm.wasmPaths = {
    mjs: `${location.origin}/ort/ort-wasm-simd-threaded.asyncify.mjs`,
    wasm: `${location.origin}/ort/ort-wasm-simd-threaded.asyncify.wasm`,
  };
  status('decoding images');
  const images: RasterImage[] = await loadBenchPhotos(p.images);
  const detector = p.only === 'florence' ? null : await benchDetector(p, images);
  const florence = p.only === 'detector' ? null : await benchFlorence(p, images);
  return { adapter: await adapterName(), detector, florence };
}

runBench(main);
