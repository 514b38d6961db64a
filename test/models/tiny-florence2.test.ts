/**
 * The tiny random Florence-2 of public/models/tiny-random/florence-2 (tools/make_tiny_models.py): the layout
 * transformers.js loads for onnx-community/Florence-2-base-ft, a merged decoder whose cache branch agrees with its
 * no-cache branch, generation by transformers.js equal to a greedy decode done by hand without the cache, and the
 * <OD> and <CAPTION_TO_PHRASE_GROUNDING> tasks run end to end through post_process_generation.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AutoProcessor,
  AutoTokenizer,
  Florence2ForConditionalGeneration,
  RawImage,
} from '@huggingface/transformers';
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

const ID = 'tiny-random/florence-2';
const DIR = join(MODELS_DIR, ID);
const ONNX = join(DIR, 'onnx');
const PHOTO = join(PHOTOS_DIR, 'coco_val2017_000000039769.png');
const BOS = 0;
const EOS = 2;
const MAX_NEW_TOKENS = 16;
/** Plain greedy decoding: no beams, no n-gram blocking, no forced EOS (the repo's defaults switched off). */
const GREEDY = {
  max_new_tokens: MAX_NEW_TOKENS,
  num_beams: 1,
  do_sample: false,
  no_repeat_ngram_size: 0,
  forced_eos_token_id: null,
};

interface FlorenceConfig {
  model_type: string;
  is_encoder_decoder: boolean;
  text_config: {
    model_type: string;
    d_model: number;
    decoder_layers: number;
    decoder_attention_heads: number;
    vocab_size: number;
  };
  vision_config: { model_type: string };
}
const config = await readJson<FlorenceConfig>(join(DIR, 'config.json'));
const {
  d_model: dModel,
  decoder_layers: layers,
  decoder_attention_heads: heads,
  vocab_size: vocabSize,
} = config.text_config;
const headDim = dModel / heads;
const cacheParts = ['decoder.key', 'decoder.value', 'encoder.key', 'encoder.value'];
const pastNames = Array.from({ length: layers }, (_, i) =>
  cacheParts.map((p) => `past_key_values.${i}.${p}`),
).flat();
const presentNames = pastNames.map((n) => n.replace('past_key_values', 'present'));

useLocalModels();

type Generated = { tolist(): bigint[][] };
type Florence = Awaited<ReturnType<typeof Florence2ForConditionalGeneration.from_pretrained>>;
type Processor = Awaited<ReturnType<typeof AutoProcessor.from_pretrained>> & {
  construct_prompts(text: string): string[];
  post_process_generation(text: string, task: string, size: [number, number]): Record<string, unknown>;
};

function concatSeq(a: ort.Tensor, b: ort.Tensor): ort.Tensor {
  // [1, n, d] ++ [1, m, d] -> [1, n + m, d] (batch 1, as Florence-2 in transformers.js)
  const data = new Float32Array(a.size + b.size);
  data.set(a.data as Float32Array);
  data.set(b.data as Float32Array, a.size);
  return new ort.Tensor('float32', data, [1, a.dims[1]! + b.dims[1]!, a.dims[2]!]);
}

describe('tiny-random/florence-2: files and configs', () => {
  it('has the files of the hub repo, under 6 MB in all', async () => {
    const files = (await readdir(DIR)).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'config.json',
        'generation_config.json',
        'preprocessor_config.json',
        'tokenizer.json',
        'tokenizer_config.json',
        'onnx',
      ]),
    );
    const graphs = (await readdir(ONNX)).sort();
    expect(graphs).toEqual([
      'decoder_model_merged.onnx',
      'embed_tokens.onnx',
      'encoder_model.onnx',
      'vision_encoder.onnx',
    ]);
    let total = 0;
    for (const f of files.filter((f) => f !== 'onnx')) total += (await stat(join(DIR, f))).size;
    for (const g of graphs) total += (await stat(join(ONNX, g))).size;
    expect(total).toBeLessThan(6 * 1024 * 1024);
  });

  it('reads as Florence-2 (BART text model, DaViT vision) and has the 1000 location tokens in order', async () => {
    expect(config).toMatchObject({ model_type: 'florence2', is_encoder_decoder: true });
    expect(config.text_config.model_type).toBe('florence2_language');
    expect(config.vision_config.model_type).toBe('davit');
    const tokenizer = await AutoTokenizer.from_pretrained(ID);
    const loc0 = tokenizer.convert_tokens_to_ids('<loc_0>');
    const locIds = tokenizer.convert_tokens_to_ids(Array.from({ length: 1000 }, (_, i) => `<loc_${i}>`));
    expect(locIds).toEqual(Array.from({ length: 1000 }, (_, i) => loc0 + i));
    expect(locIds.at(-1)!).toBeLessThan(vocabSize);
  });
});

describe('tiny-random/florence-2: graphs in onnxruntime-node', () => {
  const sessions: Record<string, ort.InferenceSession> = {};
  beforeAll(async () => {
    for (const n of ['embed_tokens', 'vision_encoder', 'encoder_model', 'decoder_model_merged']) {
      sessions[n] = await openSession(join(ONNX, `${n}.onnx`));
    }
  });

  it('have the input and output names transformers.js feeds and reads', () => {
    const io = (n: string) => [sessions[n]!.inputNames, sessions[n]!.outputNames];
    expect(io('embed_tokens')).toEqual([['input_ids'], ['inputs_embeds']]);
    expect(io('vision_encoder')).toEqual([['pixel_values'], ['image_features']]);
    expect(io('encoder_model')).toEqual([['attention_mask', 'inputs_embeds'], ['last_hidden_state']]);
    expect(io('decoder_model_merged')).toEqual([
      ['encoder_attention_mask', 'encoder_hidden_states', 'inputs_embeds', ...pastNames, 'use_cache_branch'],
      ['logits', ...presentNames],
    ]);
  });

  it('the merged decoder continues a sequence from its cache as it computes it without (tolerance 1e-4)', async () => {
    const rand = seededRandom(3);
    const dec = sessions['decoder_model_merged']!;
    const encLen = 9;
    const hidden = randomFloats(rand, [1, encLen, dModel]);
    const mask = int64(
      Array.from({ length: encLen }, () => 1),
      [1, encLen],
    );
    const tokens = randomFloats(rand, [1, 4, dModel]);
    const empty = Object.fromEntries(pastNames.map((n) => [n, randomFloats(rand, [1, heads, 0, headDim])]));
    const noCache = (embeds: ort.Tensor) =>
      dec.run({
        encoder_attention_mask: mask,
        encoder_hidden_states: hidden,
        inputs_embeds: embeds,
        ...empty,
        use_cache_branch: new ort.Tensor('bool', [false], [1]),
      });
    const full = await noCache(tokens);
    const first3 = new ort.Tensor('float32', (tokens.data as Float32Array).slice(0, 3 * dModel), [
      1,
      3,
      dModel,
    ]);
    const prefix = await noCache(first3);
    expect(prefix['present.0.encoder.key']!.dims).toEqual([1, heads, encLen, headDim]);
    const step = await dec.run({
      encoder_attention_mask: mask,
      encoder_hidden_states: hidden,
      inputs_embeds: new ort.Tensor('float32', (tokens.data as Float32Array).slice(3 * dModel), [
        1,
        1,
        dModel,
      ]),
      ...Object.fromEntries(pastNames.map((n, i) => [n, prefix[presentNames[i]!]!])),
      use_cache_branch: new ort.Tensor('bool', [true], [1]),
    });
    expect(step['present.0.decoder.key']!.dims).toEqual([1, heads, 4, headDim]);
    expect(maxAbsDiff(step.logits!, positionSlice(full.logits!, 3))).toBeLessThanOrEqual(1e-4);
  });

  it("transformers.js's generate (with cache) equals a greedy decode by hand without the cache", async () => {
    const model = await Florence2ForConditionalGeneration.from_pretrained(ID, {
      device: 'cpu',
      dtype: 'fp32',
    });
    const processor = (await AutoProcessor.from_pretrained(ID)) as Processor;
    const image = await RawImage.read(PHOTO);
    const inputs = await processor(image, processor.construct_prompts('<OD>'));
    const generated = ((await model.generate({ ...inputs, ...GREEDY })) as Generated)
      .tolist()[0]!
      .map(Number);
    await model.dispose();

    const run = async (name: string, feeds: Record<string, ort.Tensor>) => sessions[name]!.run(feeds);
    const toOrt = (t: { type: string; data: unknown; dims: number[] }) =>
      new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
    const image_features = (await run('vision_encoder', { pixel_values: toOrt(inputs.pixel_values) }))
      .image_features!;
    const prompt = (await run('embed_tokens', { input_ids: toOrt(inputs.input_ids) })).inputs_embeds!;
    const embeds = concatSeq(image_features, prompt);
    const encMask = int64(
      Array.from({ length: embeds.dims[1]! }, () => 1),
      [1, embeds.dims[1]!],
    );
    const encoded = (await run('encoder_model', { attention_mask: encMask, inputs_embeds: embeds }))
      .last_hidden_state!;
    const empty = Object.fromEntries(
      pastNames.map((n) => [n, new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, headDim])]),
    );
    const ids = [EOS]; // decoder_start_token_id
    while (ids.length <= MAX_NEW_TOKENS) {
      const decEmbeds = (await run('embed_tokens', { input_ids: int64(ids, [1, ids.length]) }))
        .inputs_embeds!;
      const { logits } = await run('decoder_model_merged', {
        encoder_attention_mask: encMask,
        encoder_hidden_states: encoded,
        inputs_embeds: decEmbeds,
        ...empty,
        use_cache_branch: new ort.Tensor('bool', [false], [1]),
      });
      const next = ids.length === 1 ? BOS : lastArgmax(logits!); // forced_bos_token_id
      ids.push(next);
      if (next === EOS) break;
    }
    expect(generated).toEqual(ids);
  });
});

describe('tiny-random/florence-2: tasks through transformers.js', () => {
  let model: Florence;
  let processor: Processor;
  let tokenizer: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
  let image: RawImage;
  beforeAll(async () => {
    model = await Florence2ForConditionalGeneration.from_pretrained(ID, { device: 'cpu', dtype: 'fp32' });
    processor = (await AutoProcessor.from_pretrained(ID)) as Processor;
    tokenizer = await AutoTokenizer.from_pretrained(ID);
    image = await RawImage.read(PHOTO);
  });

  it('builds the task prompts of the real processor', () => {
    expect(processor.construct_prompts('<OD>')).toEqual([
      'Locate the objects with category name in the image.',
    ]);
    expect(processor.construct_prompts('<CAPTION_TO_PHRASE_GROUNDING>two cats on a couch')).toEqual([
      'Locate the phrases in the caption: two cats on a couch',
    ]);
    expect(processor.construct_prompts('<MORE_DETAILED_CAPTION>')).toEqual([
      'Describe with a paragraph what is shown in the image.',
    ]);
    expect(processor.construct_prompts('<DENSE_REGION_CAPTION>')).toEqual([
      'Locate the objects in the image, with their descriptions.',
    ]);
  });

  /** Generates for a task and post-processes; returns the result and the location bins that were generated. */
  async function runTask(task: string, text: string, options: Record<string, unknown>) {
    const inputs = await processor(image, processor.construct_prompts(task + text));
    const ids = (await model.generate({ ...inputs, ...options })) as Generated;
    const decoded = tokenizer.batch_decode(ids as never, { skip_special_tokens: false })[0]!;
    const bins = [...decoded.matchAll(/<loc_(\d+)>/g)].map((m) => Number(m[1]));
    const result = processor.post_process_generation(decoded, task, image.size)[task] as {
      labels: string[];
      bboxes: number[][];
    };
    return { decoded, bins, result };
  }

  const [width, height] = [640, 480];
  it.each([
    ['<OD>', '', 'greedy', GREEDY],
    ['<CAPTION_TO_PHRASE_GROUNDING>', 'two cats on a couch', 'greedy', GREEDY],
    // The repo's generation_config.json as is: 3 beams, no repeated 3-grams, forced </s>.
    ['<OD>', '', 'repo defaults', { max_new_tokens: MAX_NEW_TOKENS }],
  ])('%s%s runs end to end into labelled boxes (%s)', async (task, text, _mode, options) => {
    expect(image.size).toEqual([width, height]);
    const first = await runTask(task, text, options);
    const again = await runTask(task, text, options);
    expect(again).toEqual(first);

    const { bins, result } = first;
    expect(result.labels.length).toBe(result.bboxes.length);
    expect(result.bboxes.length).toBeGreaterThanOrEqual(1);
    expect(result.bboxes.length).toBeLessThanOrEqual(Math.floor(bins.length / 4));
    // Every coordinate is the centre of a generated bin: (bin + 0.5) / 1000 x the image side.
    const xs = new Set(bins.map((b) => ((b + 0.5) / 1000) * width));
    const ys = new Set(bins.map((b) => ((b + 0.5) / 1000) * height));
    for (const [x1, y1, x2, y2] of result.bboxes as [number, number, number, number][]) {
      expect(xs.has(x1) && xs.has(x2), `x ${x1} ${x2}`).toBe(true);
      expect(ys.has(y1) && ys.has(y2), `y ${y1} ${y2}`).toBe(true);
      expect([x1, x2].every((x) => x > 0 && x < width) && [y1, y2].every((y) => y > 0 && y < height)).toBe(
        true,
      );
    }
  });

  it('<MORE_DETAILED_CAPTION> post-processes to the generated text without special tokens', async () => {
    const { decoded, result } = await runTask('<MORE_DETAILED_CAPTION>', '', GREEDY);
    expect(result).toBe(decoded.replaceAll('<s>', '').replaceAll('</s>', ''));
  });
});
