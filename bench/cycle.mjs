/**
 * `npm run bench -- cycle [--images 10] [--epochs 3] [--batch 4] [--tokens 20] [--device webgpu|wasm]
 *                         [--student ID] [--florence ID|none] [--grids 1,2] [--dense 1] [--florence-tokens 32]
 *                         [--beams 1] [--timeout 7200] [--data DIR]`
 *
 * Wall time of one full round of the loop on N photos, split into captioning, evidence, critique, training and
 * re-captioning, with the studio's own workers in headless Chromium (Debian's, --enable-unsafe-webgpu:
 * SwiftShader's WebGPU adapter on machines without a GPU), on random-weight models at the real dimensions
 * (python3 tools/make_real_size_models.py [--model florence-2]). Model loads are reported apart from the round.
 * --data DIR: the photos (default: the committed test/fixtures/photos, repeated when --images is larger).
 * Prints one JSON object; measures, never asserts.
 */
import { parseArgs } from 'node:util';
import {
  browserOptions,
  machineInfo,
  photoOptions,
  requireModel,
  runBenchPage,
} from './lib/browser-bench.mjs';

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      images: { type: 'string', default: '10' },
      epochs: { type: 'string', default: '3' },
      batch: { type: 'string', default: '4' },
      tokens: { type: 'string', default: '20' },
      device: { type: 'string', default: 'webgpu' },
      student: { type: 'string', default: 'bench/vit-gpt2-real-size' },
      florence: { type: 'string', default: 'bench/florence-2-real-size' },
      grids: { type: 'string', default: '1,2' },
      dense: { type: 'string', default: '1' },
      'florence-tokens': { type: 'string', default: '32' },
      beams: { type: 'string', default: '1' },
      ...photoOptions(),
      ...browserOptions(7200),
    },
  });
  for (const id of [values.student, values.florence].filter((m) => m !== 'none'))
    requireModel(id, 'python3 tools/make_real_size_models.py [--model florence-2]');
  const { result, browser } = await runBenchPage({
    name: 'cycle',
    photosDir: values.data,
    query: {
      images: values.images,
      epochs: values.epochs,
      batch: values.batch,
      tokens: values.tokens,
      device: values.device,
      student: values.student,
      florence: values.florence,
      grids: values.grids,
      dense: values.dense,
      florenceTokens: values['florence-tokens'],
      beams: values.beams,
    },
    chromium: values.chromium,
    timeoutSeconds: Number(values.timeout),
    progressLabel: 'cycle',
  });
  const t = result.timings;
  const round = t.captioning + t.evidence + t.critique + t.training.seconds + t.recaptioning.seconds;
  return {
    bench: 'cycle',
    roundSeconds: round,
    stages: {
      captioning: t.captioning,
      evidence: t.evidence,
      critique: t.critique,
      training: t.training.seconds,
      recaptioning: t.recaptioning.seconds,
    },
    details: {
      training: t.training,
      recaptioning: t.recaptioning,
      loads: { student: t.studentLoad, teacher: t.teacherLoad },
    },
    settings: result.settings,
    data: values.data,
    accepted: result.accepted,
    changedCaptions: result.changedCaptions,
    browser,
    machine: machineInfo(),
    seed: 'about 180 s per cycle on a Colab GPU in fp16 (10 COCO images, 3 epochs)',
  };
}
