/**
 * Florence-2 through our runtime (vision features batched across crops, then one task at a time) against
 * transformers.js's own path (generate() from pixel_values and the task prompt), on the tiny random model:
 * the vision features of a batch equal those of one-by-one runs within 1e-4, and every task's decoded text
 * and post-processed result are identical.
 */
import { join } from 'node:path';
import { AutoProcessor, Florence2ForConditionalGeneration, RawImage } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTransformersFlorence } from '../../../../src/lib/evidence/teacher/florence-transformers';
import type { FlorenceRuntime } from '../../../../src/lib/evidence/teacher/florence-runtime';
import { cropRaster } from '../../../../src/lib/evidence/teacher/raster-crop';
import type { FlorenceTask } from '../../../../src/lib/evidence/teacher/types';
import { planCrops } from '../../../../src/lib/evidence/crops';
import { useLocalModels } from '../../../models/local-models';
import { PHOTOS_DIR } from '../../../support/fixtures';
import { loadRaster } from '../helpers/real-data';
import { TINY_FLORENCE } from './helpers/node-teacher';

const FP32 = {
  embed_tokens: 'fp32',
  vision_encoder: 'fp32',
  encoder_model: 'fp32',
  decoder_model_merged: 'fp32',
} as const;
const GREEDY = { maxNewTokens: 24, numBeams: 1 };

type Processor = Awaited<ReturnType<typeof AutoProcessor.from_pretrained>> & {
  construct_prompts(text: string): string[];
  batch_decode(ids: unknown, o: { skip_special_tokens: boolean }): string[];
  post_process_generation(text: string, task: string, size: [number, number]): unknown;
};

describe('loadTransformersFlorence (tiny random Florence-2, onnxruntime-node CPU)', () => {
  let runtime: FlorenceRuntime;
  let reference: Awaited<ReturnType<typeof Florence2ForConditionalGeneration.from_pretrained>>;
  let processor: Processor;
  beforeAll(async () => {
    useLocalModels();
    runtime = await loadTransformersFlorence(TINY_FLORENCE, { device: 'cpu', dtypes: FP32 });
    reference = await Florence2ForConditionalGeneration.from_pretrained(TINY_FLORENCE, {
      device: 'cpu',
      dtype: 'fp32',
    });
    processor = (await AutoProcessor.from_pretrained(TINY_FLORENCE)) as Processor;
  });
  afterAll(async () => {
    await runtime.dispose();
    await reference.dispose();
  });

  it('names its dtypes in its revision (part of cache keys)', () => {
    expect(runtime.revision).toBe('main|fp32/fp32/fp32/fp32');
  });

  it('gives every task the result of transformers.js generate() from pixels, from batched features', async () => {
    const image = await loadRaster('coco_val2017_000000039769.png');
    const crops = planCrops(image.width, image.height).slice(0, 3); // whole image and two 2×2 windows
    const rasters = crops.map((c) => cropRaster(image, c));
    const batched = await runtime.encodeImages(rasters);
    const cases: Array<[FlorenceTask, string, number]> = [
      ['<OD>', '', 0],
      ['<MORE_DETAILED_CAPTION>', '', 0],
      ['<CAPTION_TO_PHRASE_GROUNDING>', 'two cats lying on a pink couch', 0],
      ['<DENSE_REGION_CAPTION>', '', 1],
      ['<DENSE_REGION_CAPTION>', '', 2],
    ];
    for (const [task, text, c] of cases) {
      const ours = await runtime.run(task, batched[c]!, text, GREEDY);
      const raw = new RawImage(rasters[c]!.data, rasters[c]!.width, rasters[c]!.height, 3);
      const inputs = await processor(raw, processor.construct_prompts(task + text));
      const ids = await reference.generate({ ...inputs, max_new_tokens: GREEDY.maxNewTokens, num_beams: 1 });
      const decoded = processor.batch_decode(ids, { skip_special_tokens: false })[0]!;
      expect(ours.text, `${task} on ${crops[c]!.id}`).toBe(decoded);
      expect(ours.result).toEqual(
        processor.post_process_generation(decoded, task, raw.size as [number, number]),
      );
      expect(ours.newTokens).toBeGreaterThan(0);
    }
    runtime.release(batched);
  });

  it('gives the same features for a batch of 3 as for each crop alone (max |Δ| ≤ 1e-4)', async () => {
    const image = await loadRaster('coco_val2014_000000354533.jpg');
    const rasters = planCrops(image.width, image.height)
      .slice(1, 4)
      .map((c) => cropRaster(image, c));
    const together = (await runtime.encodeImages(rasters)) as unknown as Array<{
      tensor: { data: Float32Array };
    }>;
    let maxDiff = 0;
    for (const [i, r] of rasters.entries()) {
      const [alone] = (await runtime.encodeImages([r])) as unknown as Array<{
        tensor: { data: Float32Array };
      }>;
      const a = alone!.tensor.data;
      const b = together[i]!.tensor.data;
      expect(b.length).toBe(a.length);
      for (let k = 0; k < a.length; k++) maxDiff = Math.max(maxDiff, Math.abs(a[k]! - b[k]!));
    }
    console.info(`vision features, batch of 3 vs one by one: max |Δ| = ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
  });

  it('runs beam search (the repo default, 3 beams) and post-processes boxes in the crop pixels', async () => {
    const image = await RawImage.read(join(PHOTOS_DIR, 'coco_val2017_000000000724.jpg'));
    const raster = {
      width: image.width,
      height: image.height,
      channels: 3 as const,
      data: image.rgb().data as Uint8Array,
    };
    const [features] = await runtime.encodeImages([raster]);
    const a = await runtime.run('<OD>', features!, '', { maxNewTokens: 24, numBeams: 3 });
    const b = await runtime.run('<OD>', features!, '', { maxNewTokens: 24, numBeams: 3 });
    expect(b).toEqual(a);
    const od = (a.result as Record<string, { bboxes: number[][] }>)['<OD>']!;
    for (const box of od.bboxes) {
      expect(box.every((v, i) => v > 0 && v < (i % 2 === 0 ? image.width : image.height))).toBe(true);
    }
  });
});
