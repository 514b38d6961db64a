/**
 * `npm run models:fetch [-- --only NAME]`: downloads the real default models into public/models/<id>/ so the
 * studio serves them itself (git-ignored; needs internet, never run in CI, where tests use the tiny models).
 * Files already present with the expected size are skipped, so an interrupted download resumes.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HUB = 'https://huggingface.co';

/** What the studio loads for each role (DESIGN.md, "Facts about the models"). */
const MODELS = {
  student: {
    id: 'Xenova/vit-gpt2-image-captioning',
    files: [
      'config.json',
      'generation_config.json',
      'preprocessor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
      'vocab.json',
      'merges.txt',
      'onnx/encoder_model.onnx',
      'onnx/decoder_model_merged.onnx',
      // The plain no-cache decoder: not loaded by transformers.js, but it is what the studio trains from.
      'onnx/decoder_model.onnx',
    ],
  },
  teacher: {
    id: 'onnx-community/Florence-2-base-ft',
    files: [
      'config.json',
      'generation_config.json',
      'preprocessor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
      'vocab.json',
      'merges.txt',
      'added_tokens.json',
      // fp16 vision encoder and embeddings (fp32 where the adapter lacks shader-f16), q4 encoder/decoder.
      'onnx/embed_tokens_fp16.onnx',
      'onnx/embed_tokens.onnx',
      'onnx/vision_encoder_fp16.onnx',
      'onnx/vision_encoder.onnx',
      'onnx/encoder_model_q4.onnx',
      'onnx/decoder_model_merged_q4.onnx',
    ],
  },
  clip: {
    id: 'Xenova/clip-vit-base-patch32',
    files: [
      'config.json',
      'preprocessor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
      'vocab.json',
      'merges.txt',
      'onnx/text_model.onnx',
      'onnx/vision_model.onnx',
    ],
  },
  detector: {
    id: 'fastestdet',
    // FastestDet (BSD-3-Clause), the 1 MB COCO-80 detector, from its author's repository.
    base: 'https://raw.githubusercontent.com/dog-qiuqiu/FastestDet/main',
    files: [
      ['example/onnx-runtime/FastestDet.onnx', 'FastestDet.onnx'],
      ['data/coco.names', 'coco.names'],
      ['LICENSE', 'LICENSE.md'],
    ],
  },
};

async function download(url, target) {
  const response = await fetch(url, { redirect: 'follow' });
  if (!response.ok || response.body === null) {
    throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  }
  const expected = Number(response.headers.get('content-length') ?? NaN);
  if (existsSync(target) && statSync(target).size === expected) {
    await response.body.cancel();
    return 'kept';
  }
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  await pipeline(Readable.fromWeb(response.body), createWriteStream(partial));
  renameSync(partial, target);
  return 'downloaded';
}

async function fetchModel(name, model) {
  const folder = join(root, 'public', 'models', model.id);
  let failed = 0;
  for (const entry of model.files) {
    const [remote, local] = Array.isArray(entry) ? entry : [entry, entry];
    const url = model.base ? `${model.base}/${remote}` : `${HUB}/${model.id}/resolve/main/${remote}`;
    try {
      const what = await download(url, join(folder, local));
      console.log(`${name}: ${local} ${what}`);
    } catch (error) {
      failed += 1;
      console.error(`${name}: ${local} FAILED: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failed;
}

const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
if (only !== undefined && !(only in MODELS)) {
  console.error(`--only takes one of: ${Object.keys(MODELS).join(', ')}`);
  process.exit(2);
}
let failures = 0;
for (const [name, model] of Object.entries(MODELS)) {
  if (only === undefined || only === name) failures += await fetchModel(name, model);
}
if (failures > 0) {
  console.error(`${failures} file(s) failed; run again to resume.`);
  process.exit(1);
}
