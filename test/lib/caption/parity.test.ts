import { env, pipeline, RawImage } from '@huggingface/transformers';
import type { ImageToTextPipeline } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captionBatched } from '../../../src/lib/caption/captioner';
import type { LoadedStudent } from '../../../src/lib/caption/load';
import type { CaptionRequest } from '../../../src/lib/caption/types';
import { resizeLikePil } from '../../../src/lib/caption/pil-resize';
import { loadNodeStudent, MODELS_DIR, TINY_MODEL_ID } from './helpers/node-student';
import { photoPaths, photoRequests } from './helpers/photos';

/**
 * Parity with transformers.js itself: its image-to-text pipeline (one image at a time, its own sessions
 * and generation loop) against our batched encoder + KV-cache greedy loop, on the committed tiny model
 * and the real photos; captions must be equal, exactly. Same pixels on both sides: the photos resized once to
 * the model's 224×224 (as Pillow does, pil-resize.ts), so that neither side's resize changes them — ours
 * resizes like Pillow on purpose, transformers.js's does not (the resize itself is tested in pil-resize.test.ts).
 */
const MODEL_SIZE = 224;
describe('batched greedy captions equal transformers.js pipeline("image-to-text")', () => {
  let reference: ImageToTextPipeline;
  let student: LoadedStudent;
  let paths: string[];
  let requests: CaptionRequest[];
  let images: RawImage[];

  beforeAll(async () => {
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    env.localModelPath = `${MODELS_DIR}/`;
    reference = await pipeline('image-to-text', TINY_MODEL_ID, { device: 'cpu', dtype: 'fp32' });
    student = await loadNodeStudent(`${MODELS_DIR}/${TINY_MODEL_ID}`, 'cpu');
    paths = photoPaths();
    requests = (await photoRequests(paths)).map(({ id, image }) => {
      const channels = image.channels ?? 4;
      const rgb = Uint8Array.from(
        { length: image.width * image.height * 3 },
        (_, i) => image.data[Math.floor(i / 3) * channels + (channels === 1 ? 0 : i % 3)]!,
      );
      const data = resizeLikePil(rgb, image.width, image.height, 3, MODEL_SIZE, MODEL_SIZE, 2);
      return { id, image: { width: MODEL_SIZE, height: MODEL_SIZE, channels: 3 as const, data } };
    });
    images = requests.map(({ image }) => {
      const pixels = image as { width: number; height: number; data: Uint8Array };
      return new RawImage(pixels.data, pixels.width, pixels.height, 3);
    });
  });

  afterAll(async () => {
    await reference?.dispose();
    await student?.release();
  });

  const memo = new Map<string, Promise<string[]>>();
  function pipelineCaptions(options: { max_new_tokens: number; min_new_tokens?: number }): Promise<string[]> {
    const key = JSON.stringify(options);
    const known = memo.get(key) ?? runPipeline(options);
    memo.set(key, known);
    return known;
  }

  async function runPipeline(options: { max_new_tokens: number; min_new_tokens?: number }) {
    const captions: string[] = [];
    for (const image of images) {
      const [output] = (await reference(image, options)) as { generated_text: string }[];
      captions.push(output?.generated_text ?? '<none>');
    }
    return captions;
  }

  it('has enough photos to make batches of 8 matter', () => {
    expect(paths.length).toBeGreaterThanOrEqual(9);
  });

  it.each([1, 3, 8])('batch size %i, 20 new tokens', async (batchSize) => {
    const expected = await pipelineCaptions({ max_new_tokens: 20 });
    const result = await captionBatched(student.model, requests, {
      strategy: 'greedy',
      numBeams: 1,
      maxNewTokens: 20,
      minNewTokens: 0,
      batchSize,
    });
    expect(result.items.map((item) => (item.status === 'done' ? item.caption : item.status))).toEqual(
      expected,
    );
    // The photos give different captions: the test would notice images being mixed up within a batch.
    expect(new Set(expected).size).toBeGreaterThan(paths.length / 2);
  });

  it('forced length (min = max = 16 new tokens, as the benchmark) at batch size 3', async () => {
    const expected = await pipelineCaptions({ max_new_tokens: 16, min_new_tokens: 16 });
    const result = await captionBatched(student.model, requests, {
      strategy: 'greedy',
      numBeams: 1,
      maxNewTokens: 16,
      minNewTokens: 16,
      batchSize: 3,
    });
    expect(result.items.map((item) => (item.status === 'done' ? item.caption : item.status))).toEqual(
      expected,
    );
    expect(result.items.every((item) => item.status === 'done' && item.tokenIds.length === 16)).toBe(true);
  });
});
