/**
 * `npm run bench -- evidence [--device webgpu|wasm] [--images N] [--det-batch N] [--model ID]
 *   [--florence-crops N] [--vision-batch N] [--tokens N] [--only detector|florence] [--data DIR]`
 *
 * Crops per second of the evidence path batched against one crop at a time, in the same headless Chromium
 * (Debian's, --enable-unsafe-webgpu: SwiftShader's WebGPU adapter on machines without a GPU): the real
 * FastestDet on every crop of the photos, and Florence-2 at the real Florence-2-base dimensions with random
 * weights (public/models/bench/florence-2-real-size: `python3 tools/make_real_size_models.py --model florence-2`).
 * --data DIR: the photos (default: the committed test/fixtures/photos). Prints one JSON object. Measures;
 * asserts nothing.
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

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      device: { type: 'string', default: 'webgpu' },
      images: { type: 'string', default: '4' },
      'det-batch': { type: 'string', default: '16' },
      model: { type: 'string', default: 'bench/florence-2-real-size' },
      'florence-crops': { type: 'string', default: '4' },
      'vision-batch': { type: 'string', default: '4' },
      tokens: { type: 'string', default: '8' },
      only: { type: 'string', default: '' },
      ...photoOptions(),
      ...browserOptions(3600),
    },
  });
  checkDevice(values.device);
  if (values.only !== 'detector')
    requireModel(
      values.model,
      'python3 tools/make_real_size_models.py --model florence-2 (or --only detector)',
    );
  const { result, browser } = await runBenchPage({
    name: 'evidence',
    photosDir: values.data,
    query: {
      device: values.device,
      images: values.images,
      detBatch: values['det-batch'],
      model: values.model,
      florenceCrops: values['florence-crops'],
      visionBatch: values['vision-batch'],
      tokens: values.tokens,
      only: values.only,
    },
    chromium: values.chromium,
    timeoutSeconds: Number(values.timeout),
  });
  return {
    bench: 'evidence',
    device: values.device,
    adapter: result.adapter,
    images: Number(values.images),
    data: values.data,
    browser,
    machine: machineInfo(),
    detector: result.detector,
    florence: result.florence,
  };
}
