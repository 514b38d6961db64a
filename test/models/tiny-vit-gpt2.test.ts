/**
 * The tiny random ViT-GPT2 of public/models/tiny-random/vit-gpt2 (tools/make_tiny_models.py): the layout
 * transformers.js loads for Xenova/vit-gpt2-image-captioning, graphs whose plain and merged decoders agree, and
 * captions from transformers.js's own pipeline that equal a greedy decode done by hand with the plain decoder.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AutoProcessor, AutoTokenizer, pipeline, RawImage } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { PHOTOS_DIR } from '../support/fixtures';
import {
  MODELS_DIR,
  int64,
  lastArgmax,
  maxAbsDiff,
  openSession,
  positionSlice,
  randomFloats,
  readJson,
  seededRandom,
  useLocalModels,
} from './local-models';

const ID = 'tiny-random/vit-gpt2';
const DIR = join(MODELS_DIR, ID);
const ONNX = join(DIR, 'onnx');
const PHOTOS = ['coco_val2017_000000039769.png', 'coco_val2017_000000000724.jpg', 'coco_000000087038.jpg'];
const MAX_NEW_TOKENS = 10;

interface VedConfig {
  model_type: string;
  decoder_start_token_id: number;
  encoder: { model_type: string; hidden_size: number; image_size: number; patch_size: number };
  decoder: {
    model_type: string;
    add_cross_attention: boolean;
    n_layer: number;
    n_head: number;
    n_embd: number;
  };
  [key: string]: unknown;
}

const config = await readJson<VedConfig>(join(DIR, 'config.json'));
const layers = config.decoder.n_layer;
const heads = config.decoder.n_head;
const headDim = config.decoder.n_embd / heads;
const vocabSize = (config.decoder as unknown as { vocab_size: number }).vocab_size;
const encoderTokens = (config.encoder.image_size / config.encoder.patch_size) ** 2 + 1;
const pastNames = Array.from({ length: layers }, (_, i) => [
  `past_key_values.${i}.key`,
  `past_key_values.${i}.value`,
]).flat();
const presentNames = pastNames.map((n) => n.replace('past_key_values', 'present'));

useLocalModels();

/** A transformers.js tensor as an onnxruntime-node one (same data, same dims). */
const toOrt = (t: { type: string; data: unknown; dims: number[] }) =>
  new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);

describe('tiny-random/vit-gpt2: files and configs', () => {
  it('has the files of the hub repo, each graph under 2 MB', async () => {
    const files = (await readdir(DIR)).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'config.json',
        'generation_config.json',
        'merges.txt',
        'onnx',
        'preprocessor_config.json',
        'special_tokens_map.json',
        'tokenizer.json',
        'tokenizer_config.json',
        'vocab.json',
      ]),
    );
    const graphs = (await readdir(ONNX)).sort();
    expect(graphs).toEqual(['decoder_model.onnx', 'decoder_model_merged.onnx', 'encoder_model.onnx']);
    for (const g of graphs) expect((await stat(join(ONNX, g))).size).toBeLessThan(2 * 1024 * 1024);
  });

  it('is a ViT encoder with a GPT-2 decoder that cross-attends, with <|endoftext|> as every special id', async () => {
    expect(config.model_type).toBe('vision-encoder-decoder');
    expect(config.encoder.model_type).toBe('vit');
    expect(config.encoder.image_size).toBe(224);
    expect(config.decoder.model_type).toBe('gpt2');
    expect(config.decoder.add_cross_attention).toBe(true);
    const tokenizer = await readJson<{ added_tokens: { id: number; content: string }[] }>(
      join(DIR, 'tokenizer.json'),
    );
    const eot = tokenizer.added_tokens.find((t) => t.content === '<|endoftext|>')?.id;
    expect(eot).toBe(vocabSize - 1);
    const generation = await readJson(join(DIR, 'generation_config.json'));
    for (const key of ['bos_token_id', 'eos_token_id', 'pad_token_id', 'decoder_start_token_id']) {
      expect(generation[key], key).toBe(eot);
    }
    const preprocessor = await readJson(join(DIR, 'preprocessor_config.json'));
    expect(preprocessor).toMatchObject({
      image_processor_type: 'ViTImageProcessor',
      size: { height: 224, width: 224 },
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
    });
  });
});

describe('tiny-random/vit-gpt2: graphs in onnxruntime-node', () => {
  let encoder: ort.InferenceSession;
  let plain: ort.InferenceSession;
  let merged: ort.InferenceSession;
  beforeAll(async () => {
    encoder = await openSession(join(ONNX, 'encoder_model.onnx'));
    plain = await openSession(join(ONNX, 'decoder_model.onnx'));
    merged = await openSession(join(ONNX, 'decoder_model_merged.onnx'));
  });

  it('have the input and output names transformers.js feeds and reads', () => {
    expect(encoder.inputNames).toEqual(['pixel_values']);
    expect(encoder.outputNames).toEqual(['last_hidden_state']);
    expect(plain.inputNames).toEqual(['input_ids', 'encoder_hidden_states']);
    expect(plain.outputNames).toEqual(['logits', ...presentNames]);
    expect(merged.inputNames).toEqual([
      'input_ids',
      'encoder_hidden_states',
      ...pastNames,
      'use_cache_branch',
    ]);
    expect(merged.outputNames).toEqual(['logits', ...presentNames]);
    const shapes = Object.fromEntries(
      merged.inputMetadata.map((m) => [m.name, m.isTensor ? [m.type, ...m.shape] : []]),
    );
    expect(shapes['input_ids']).toEqual(['int64', 'batch_size', 'decoder_sequence_length']);
    expect(shapes['encoder_hidden_states']).toEqual(['float32', 'batch_size', 'encoder_sequence_length', 64]);
    // transformers.js sizes the empty first-step cache from these: batch_size -> batch, other names -> 0.
    expect(shapes['past_key_values.0.key']).toEqual([
      'float32',
      'batch_size',
      heads,
      'past_sequence_length',
      headDim,
    ]);
    expect(shapes['use_cache_branch']).toEqual(['bool', 1]);
  });

  it('plain decoder logits equal the merged decoder without cache (tolerance 1e-5)', async () => {
    const rand = seededRandom(7);
    const batch = 2;
    const seq = 6;
    const ids = int64(
      Array.from({ length: batch * seq }, () => Math.floor(rand() * vocabSize)),
      [batch, seq],
    );
    const hidden = randomFloats(rand, [batch, encoderTokens, config.encoder.hidden_size]);
    const a = await plain.run({ input_ids: ids, encoder_hidden_states: hidden });
    const emptyPast = Object.fromEntries(
      pastNames.map((n) => [n, randomFloats(rand, [batch, heads, 0, headDim])]),
    );
    const b = await merged.run({
      input_ids: ids,
      encoder_hidden_states: hidden,
      ...emptyPast,
      use_cache_branch: new ort.Tensor('bool', [false], [1]),
    });
    expect(a.logits!.dims).toEqual([batch, seq, vocabSize]);
    expect(maxAbsDiff(a.logits!, b.logits!)).toBeLessThanOrEqual(1e-5);
    for (const n of presentNames) expect(maxAbsDiff(a[n]!, b[n]!), n).toBeLessThanOrEqual(1e-5);
  });

  it('the cache branch continues a sequence as the plain decoder does (tolerance 1e-4)', async () => {
    const rand = seededRandom(11);
    const tokens = Array.from({ length: 6 }, () => Math.floor(rand() * vocabSize));
    const hidden = randomFloats(rand, [1, encoderTokens, config.encoder.hidden_size]);
    const full = await plain.run({ input_ids: int64(tokens, [1, 6]), encoder_hidden_states: hidden });
    const prefix = await plain.run({
      input_ids: int64(tokens.slice(0, 5), [1, 5]),
      encoder_hidden_states: hidden,
    });
    const step = await merged.run({
      input_ids: int64(tokens.slice(5), [1, 1]),
      encoder_hidden_states: hidden,
      ...Object.fromEntries(pastNames.map((n, i) => [n, prefix[presentNames[i]!]!])),
      use_cache_branch: new ort.Tensor('bool', [true], [1]),
    });
    expect(step.logits!.dims).toEqual([1, 1, vocabSize]);
    expect(step['present.0.key']!.dims).toEqual([1, heads, 6, headDim]);
    expect(maxAbsDiff(step.logits!, positionSlice(full.logits!, 5))).toBeLessThanOrEqual(1e-4);
  });

  it.each(PHOTOS)(
    "transformers.js's pipeline captions %s as a greedy decode with the plain decoder does",
    async (photo) => {
      const path = join(PHOTOS_DIR, photo);
      const captioner = await pipeline('image-to-text', ID, { device: 'cpu', dtype: 'fp32' });
      const first = (await captioner(path, { max_new_tokens: MAX_NEW_TOKENS })) as {
        generated_text: string;
      }[];
      const again = (await captioner(path, { max_new_tokens: MAX_NEW_TOKENS })) as {
        generated_text: string;
      }[];
      await captioner.dispose();

      // Independent path: the same preprocessing, then the encoder and the plain (no-cache) decoder by hand.
      const processor = await AutoProcessor.from_pretrained(ID);
      const tokenizer = await AutoTokenizer.from_pretrained(ID);
      const { pixel_values } = await processor(await RawImage.read(path));
      const hidden = (await encoder.run({ pixel_values: toOrt(pixel_values) })).last_hidden_state!;
      expect(hidden.dims).toEqual([1, encoderTokens, config.encoder.hidden_size]);
      const ids = [config.decoder_start_token_id];
      for (let i = 0; i < MAX_NEW_TOKENS; i++) {
        const { logits } = await plain.run({
          input_ids: int64(ids, [1, ids.length]),
          encoder_hidden_states: hidden,
        });
        const next = lastArgmax(logits!);
        ids.push(next);
        if (next === vocabSize - 1) break;
      }
      const expected = tokenizer.decode(ids, { skip_special_tokens: true });

      expect(first).toHaveLength(1);
      expect(first[0]!.generated_text.length).toBeGreaterThan(0);
      expect(first[0]!.generated_text).toBe(expected.trim());
      expect(again).toEqual(first);
    },
  );
});
