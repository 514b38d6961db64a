/**
 * CLIPScore end to end in Node: the tiny random CLIP of public/models/tiny-random/clip (tools/make_tiny_clip.py)
 * through transformers.js, on real photos. Checked against (a) PyTorch's outputs of the same model, recorded by
 * the generator, and (b) the ONNX graphs run by hand with onnxruntime-node, from which the scores are recomputed
 * independently of the scorer.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AutoProcessor, AutoTokenizer, RawImage, env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreFormula } from '../../../src/lib/score/clip-models';
import { scoreCaptions } from '../../../src/lib/score/clip-scorer';
import {
  loadTransformersClip,
  type ClipPixels,
  type TransformersClip,
} from '../../../src/lib/score/clip-transformers';
import { PHOTOS_DIR } from '../../support/fixtures';

const REPO = resolve(import.meta.dirname, '..', '..', '..');
const MODELS = join(REPO, 'public', 'models');
const ID = 'tiny-random/clip';
const PHOTOS = ['coco_val2017_000000039769.png', 'coco_val2017_000000000724.jpg', 'coco_000000087038.jpg'];
const CAPTIONS = [
  'two cats lying on a pink couch',
  'a red stop sign on a street',
  'a man riding a skateboard',
];

interface Reference {
  logit_scale: number;
  prompts: { text: string; input_ids: number[]; text_embeds: number[] }[];
  tokenizer_checks: { text: string; input_ids: number[] }[];
  synthetic_image: { dims: number[]; image_embeds: number[] };
}
const reference = JSON.parse(
  readFileSync(join(REPO, 'test', 'fixtures', 'clip', 'tiny-clip-reference.json'), 'utf8'),
) as Reference;

/** Float32 rounding, PyTorch vs ORT: measured max 1.2e-6 (text) and 6.2e-7 (vision); 1e-5 leaves room. */
const EMBED_TOLERANCE = 1e-5;

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** cos computed here, in float64, independently of src/lib/score. */
function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

let clip: TransformersClip;
let textSession: ort.InferenceSession;
let visionSession: ort.InferenceSession;
let photos: ClipPixels[];

beforeAll(async () => {
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = `${MODELS}/`;
  clip = await loadTransformersClip(ID, { device: 'cpu', dtype: 'fp32' });
  const session = (name: string) =>
    ort.InferenceSession.create(join(MODELS, ID, 'onnx', name), { executionProviders: ['cpu'] });
  [textSession, visionSession] = await Promise.all([
    session('text_model.onnx'),
    session('vision_model.onnx'),
  ]);
  photos = await Promise.all(
    PHOTOS.map(async (p) => {
      const image = await RawImage.read(join(PHOTOS_DIR, p));
      return {
        width: image.width,
        height: image.height,
        channels: image.channels as 1 | 3 | 4,
        data: image.data,
      };
    }),
  );
});

afterAll(async () => {
  await clip?.dispose();
  await textSession?.release();
  await visionSession?.release();
});

describe('tiny CLIP against the PyTorch model it was exported from', () => {
  it("tokenizes as the Python tokenizer does (transformers.js's AutoTokenizer on tokenizer.json)", async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(ID);
    expect(reference.tokenizer_checks.length).toBeGreaterThan(0);
    for (const p of [...reference.prompts, ...reference.tokenizer_checks]) {
      expect(tokenizer.encode(p.text)).toEqual(p.input_ids);
    }
  });

  it('embeds text, batched and padded, as PyTorch did one prompt at a time', async () => {
    const embeds = await clip.embedTexts(reference.prompts.map((p) => p.text));
    reference.prompts.forEach((p, i) =>
      expect(maxAbsDiff(embeds[i]!, p.text_embeds)).toBeLessThanOrEqual(EMBED_TOLERANCE),
    );
  });

  it('has a vision graph that gives PyTorch’s image embedding for the same pixel values', async () => {
    const dims = reference.synthetic_image.dims;
    const [, c, h, w] = dims as [number, number, number, number];
    const pixels = Float32Array.from({ length: c * h * w }, (_, i) => Math.sin(0.37 * i) * 1.5);
    const out = await visionSession.run({ pixel_values: new ort.Tensor('float32', pixels, dims) });
    expect(
      maxAbsDiff(out.image_embeds!.data as Float32Array, reference.synthetic_image.image_embeds),
    ).toBeLessThanOrEqual(EMBED_TOLERANCE);
  });
});

describe('CLIPScore through transformers.js', () => {
  const formula: ScoreFormula = { metric: 'clipscore', textPrefix: 'A photo depicts ', weight: 2.5 };
  const requests = () => photos.map((image) => ({ image, captions: CAPTIONS }));

  /** Embeddings by hand: the processor's pixel_values and the tokenizer's ids through the raw ONNX sessions. */
  async function independentEmbeddings() {
    const processor = await AutoProcessor.from_pretrained(ID);
    const tokenizer = await AutoTokenizer.from_pretrained(ID);
    const images: Float32Array[] = [];
    for (const p of PHOTOS) {
      const { pixel_values } = (await processor(await RawImage.read(join(PHOTOS_DIR, p)))) as {
        pixel_values: { data: Float32Array; dims: number[] };
      };
      const out = await visionSession.run({
        pixel_values: new ort.Tensor('float32', pixel_values.data, pixel_values.dims),
      });
      images.push(out.image_embeds!.data as Float32Array);
    }
    const texts: Float32Array[] = [];
    for (const caption of CAPTIONS) {
      const ids = tokenizer.encode(`A photo depicts ${caption}`);
      const out = await textSession.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
      });
      texts.push(out.text_embeds!.data as Float32Array);
    }
    return { images, texts };
  }

  it('equals 2.5 · max(cos, 0) of independently computed embeddings, in [0, 2.5]', async () => {
    const scores = await scoreCaptions(clip, requests(), formula);
    const { images, texts } = await independentEmbeddings();
    const all: number[] = [];
    scores.forEach((row, i) =>
      row.forEach((s, j) => {
        const cos = cosine(images[i]!, texts[j]!);
        expect(s.cosine).toBeCloseTo(cos, 5);
        expect(s.score).toBeCloseTo(2.5 * Math.max(cos, 0), 5);
        expect(s.score).toBeGreaterThanOrEqual(0);
        expect(s.score).toBeLessThanOrEqual(2.5);
        all.push(s.score);
      }),
    );
    // A random model, but not a degenerate one: the nine scores are not all the same.
    expect(new Set(all.map((v) => v.toFixed(6))).size).toBeGreaterThan(1);
  });

  it('is deterministic: the same inputs give bit-identical scores', async () => {
    const a = await scoreCaptions(clip, requests(), formula);
    const b = await scoreCaptions(clip, requests(), formula, { batchSize: 1 });
    expect(b).toEqual(a);
  });

  it('gives PickScore = logit_scale · cos through the same embedder', async () => {
    const pick: ScoreFormula = { metric: 'pickscore', textPrefix: '', logitScale: reference.logit_scale };
    const scores = await scoreCaptions(clip, requests(), pick);
    for (const row of scores) {
      for (const s of row) {
        expect(s.score).toBeCloseTo(reference.logit_scale * s.cosine, 4);
        expect(Math.abs(s.score)).toBeLessThanOrEqual(reference.logit_scale);
      }
    }
  });
});
