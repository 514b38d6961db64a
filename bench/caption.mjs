/**
 * `npm run bench -- caption [--model ID] [--device webgpu|wasm] [--images N] [--batch N] [--tokens N]
 *                           [--pipeline-threads N] [--data DIR]`
 *
 * Images per second of the studio's batched student worker against transformers.js's default
 * pipeline('image-to-text') one image at a time, both in the same headless Chromium (Debian's, with
 * --enable-unsafe-webgpu: SwiftShader's WebGPU adapter on machines without a GPU), on a random-weight model
 * with the real ViT-GPT2 dimensions, new tokens forced (min = max). The worker's WASM EP uses every core; the
 * pipeline ORT's default (half the cores) unless --pipeline-threads gives it as many, which splits the speed-up
 * into threads and batching. --data DIR: the photos (default: the committed test/fixtures/photos).
 * Prints one JSON object.
 */
import { parseArgs } from 'node:util';
import {
  browserOptions,
  checkDevice,
  machineInfo,
  photoOptions,
  requireModel,
  runBenchPage,
} from './lib/browser-bench.mjs';

const DEFAULTS = {
  model: 'bench/vit-gpt2-real-size',
  device: 'webgpu',
  images: '8',
  batch: '8',
  tokens: '16',
};

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', default: DEFAULTS.model },
      device: { type: 'string', default: DEFAULTS.device },
      images: { type: 'string', default: DEFAULTS.images },
      batch: { type: 'string', default: DEFAULTS.batch },
      tokens: { type: 'string', default: DEFAULTS.tokens },
      // The default pipeline's WASM threads (default: ORT's own choice, half the cores); the worker uses them all.
      'pipeline-threads': { type: 'string', default: '' },
      only: { type: 'string', default: '' },
      verbose: { type: 'boolean', default: false },
      ...photoOptions(),
      ...browserOptions(1800),
    },
  });
  checkDevice(values.device);
  requireModel(
    values.model,
    'generate the real-size random model first (python3 tools/make_real_size_models.py)',
  );
  const { result: page, browser } = await runBenchPage({
    name: 'caption',
    photosDir: values.data,
    query: {
      model: values.model,
      device: values.device,
      images: values.images,
      batch: values.batch,
      tokens: values.tokens,
      pipelineThreads: values['pipeline-threads'],
      only: values.only,
    },
    chromium: values.chromium,
    timeoutSeconds: Number(values.timeout),
    verbose: values.verbose,
    // Every dependency optimized up front: a late discovery would reload the page mid-run.
    optimizeDeps: {
      entries: ['bench/caption.html', 'workers/student.worker.ts'],
      include: ['comlink'],
      noDiscovery: true,
    },
  });
  const matching = page.ours.captions.filter((c, i) => c === page.pipeline.captions[i]).length;
  return {
    bench: 'caption',
    model: values.model,
    device: values.device,
    adapter: page.adapter,
    images: Number(values.images),
    data: values.data,
    newTokens: Number(values.tokens),
    wasmThreads: page.threads,
    browser,
    machine: machineInfo(),
    ours: { ...page.ours, captions: undefined },
    pipeline: { ...page.pipeline, captions: undefined },
    speedup: page.ours.imagesPerSecond / page.pipeline.imagesPerSecond,
    target: 3,
    captionsEqual: `${matching}/${page.ours.captions.length}`,
  };
}
