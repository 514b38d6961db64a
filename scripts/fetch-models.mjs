#!/usr/bin/env node
/**
 * `npm run models:fetch [-- --only florence-2|vit-gpt2] [--dry-run] [--force]`
 *
 * Downloads the real models the studio loads from its own public/models/ (git-ignored), on a machine with
 * internet. Tests never need this: they use the tiny models in public/models/tiny-random/ and the committed
 * fixtures. The detector (public/models/fastestdet/) and the CHAIR synonym list (src/lib/vocabulary/) are committed.
 * - florence-2: onnx-community/Florence-2-base-ft, the files the teacher's dtype table can pick
 *   (src/lib/evidence/teacher/dtypes.ts): fp16 and fp32 embed_tokens / vision_encoder, q4 encoder and decoder.
 * - vit-gpt2: Xenova/vit-gpt2-image-captioning in fp32, with the plain decoder the training graph is built from.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const publicModels = join(root, 'public', 'models');
const HUB = 'https://huggingface.co';
const CONFIG_FILES = [
  'config.json',
  'generation_config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.json',
  'merges.txt',
];

const hubModel = (id, onnx) => ({
  describe: id,
  files: [...CONFIG_FILES, ...onnx.map((f) => `onnx/${f}.onnx`)].map((file) => ({
    path: `${id}/${file}`,
    url: `${HUB}/${id}/resolve/main/${file}`,
    // Not every repo has every tokenizer side file.
    optional: CONFIG_FILES.includes(file) && !['config.json', 'preprocessor_config.json'].includes(file),
  })),
});

const GROUPS = {
  'florence-2': hubModel('onnx-community/Florence-2-base-ft', [
    'embed_tokens',
    'embed_tokens_fp16',
    'vision_encoder',
    'vision_encoder_fp16',
    'encoder_model_q4',
    'decoder_model_merged_q4',
  ]),
  'vit-gpt2': hubModel('Xenova/vit-gpt2-image-captioning', [
    'encoder_model',
    'decoder_model_merged',
    'decoder_model',
  ]),
};

async function download(file, force) {
  const target = join(publicModels, file.path);
  if (existsSync(target) && !force) return 'kept';
  const response = await fetch(file.url, { redirect: 'follow' });
  if (!response.ok || response.body === null) {
    if (file.optional && response.status === 404) return 'absent';
    throw new Error(`${file.url}: HTTP ${response.status}`);
  }
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.part`;
  await pipeline(Readable.fromWeb(response.body), createWriteStream(partial));
  renameSync(partial, target);
  return 'downloaded';
}

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
  },
});
const names = values.only ? values.only.split(',') : Object.keys(GROUPS);
for (const name of names) {
  if (!(name in GROUPS)) {
    console.error(`unknown group '${name}': choose from ${Object.keys(GROUPS).join(', ')}`);
    process.exit(2);
  }
}
let failed = 0;
for (const name of names) {
  const group = GROUPS[name];
  console.log(`${name}: ${group.describe}`);
  for (const file of group.files) {
    if (values['dry-run']) {
      console.log(`  ${file.url}\n    -> public/models/${file.path}`);
      continue;
    }
    try {
      console.log(`  ${await download(file, values.force)}  public/models/${file.path}`);
    } catch (error) {
      failed++;
      console.error(`  FAILED ${file.path}: ${error.message}`);
    }
  }
}
process.exit(failed > 0 ? 1 : 0);
