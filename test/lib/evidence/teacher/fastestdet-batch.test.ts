/**
 * The batch rewrite of the real FastestDet: the rewritten graph accepts any batch, and a batch of crops gives
 * the outputs of running each crop alone through the shipped model (float32, tolerance 1e-5 absolute), so the
 * detections of the evidence path do not change when it batches.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { planCrops } from '../../../../src/lib/evidence/crops';
import { FastestDetDetector } from '../../../../src/lib/evidence/fastestdet/fastestdet';
import { writeFastestDetInput } from '../../../../src/lib/evidence/fastestdet/fastestdet-codec';
import { DetectorRewriteError } from '../../../../src/lib/evidence/teacher/errors';
import { makeFastestDetBatchable } from '../../../../src/lib/evidence/teacher/fastestdet-batch';
import { decodeModel, encodeModel } from '../../../../src/lib/onnx/proto';
import { FASTESTDET_DIR, fastestDetClassNames, loadRaster, ortTensor } from '../helpers/real-data';

const SIZE = 352;
const PLANE = 3 * SIZE * SIZE;
/** A fresh copy each time: onnxruntime-node may keep using the buffer it built a session from. */
const original = (): Uint8Array => new Uint8Array(readFileSync(join(FASTESTDET_DIR, 'FastestDet.onnx')));

describe('makeFastestDetBatchable', () => {
  it('gives the one-by-one outputs of the shipped model for a batch of 5 crops (|Δ| ≤ 1e-5)', async () => {
    const image = await loadRaster('coco_val2017_000000039769.png');
    const crops = planCrops(image.width, image.height).slice(0, 5);
    const data = new Float32Array(crops.length * PLANE);
    crops.forEach((c, i) => writeFastestDetInput(image, c, data, i * PLANE));

    const single = await ort.InferenceSession.create(original());
    const batched = await ort.InferenceSession.create(makeFastestDetBatchable(original()));
    expect(single.inputMetadata[0]).toMatchObject({ shape: [1, 3, SIZE, SIZE] });
    expect(batched.inputMetadata[0]).toMatchObject({ shape: ['batch', 3, SIZE, SIZE] });

    const out = await batched.run({ 'input.1': new ort.Tensor('float32', data, [5, 3, SIZE, SIZE]) });
    const all = out['758']!;
    expect(all.dims).toEqual([5, 85, 22, 22]);
    const per = 85 * 22 * 22;
    let maxDiff = 0;
    for (let i = 0; i < crops.length; i++) {
      const one = await single.run({
        'input.1': new ort.Tensor('float32', data.slice(i * PLANE, (i + 1) * PLANE), [1, 3, SIZE, SIZE]),
      });
      const a = one['758']!.data as Float32Array;
      const b = (all.data as Float32Array).subarray(i * per, (i + 1) * per);
      for (let k = 0; k < per; k++) maxDiff = Math.max(maxDiff, Math.abs(a[k]! - b[k]!));
    }
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
  });

  it('lets FastestDetDetector batch (its batch size follows maxBatch) with the same detections', async () => {
    const image = await loadRaster('coco_val2017_000000039769.png');
    const inputs = planCrops(image.width, image.height).map((region) => ({ image, region }));
    const classNames = fastestDetClassNames();
    const shipped = new FastestDetDetector(await ort.InferenceSession.create(original()), ortTensor, {
      classNames,
    });
    const batchable = new FastestDetDetector(
      await ort.InferenceSession.create(makeFastestDetBatchable(original())),
      ortTensor,
      { classNames, maxBatch: 6 },
    );
    expect([shipped.batchSize, batchable.batchSize]).toEqual([1, 6]);
    const a = await shipped.detect(inputs);
    const b = await batchable.detect(inputs);
    expect(b.map((r) => r.map((d) => d.label))).toEqual(a.map((r) => r.map((d) => d.label)));
    const flatA = a.flat();
    const flatB = b.flat();
    expect(flatA.length).toBeGreaterThan(0);
    for (let i = 0; i < flatA.length; i++) {
      expect(flatB[i]!.score).toBeCloseTo(flatA[i]!.score, 5);
      expect(flatB[i]!.box.x1).toBeCloseTo(flatA[i]!.box.x1, 5);
      expect(flatB[i]!.box.y2).toBeCloseTo(flatA[i]!.box.y2, 5);
    }
  });

  it('refuses a graph whose Reshape pins the batch anywhere else', () => {
    const model = decodeModel(original());
    const reshape = model.graph!.node!.find((n) => n.opType === 'Reshape')!;
    const transpose = model.graph!.node!.find((n) => n.input?.[0] === reshape.output![0])!;
    transpose.attribute = transpose.attribute!.map((a) =>
      a.name === 'perm' ? { ...a, ints: [0n, 1n, 2n] } : a,
    );
    expect(() => makeFastestDetBatchable(encodeModel(model))).toThrow(DetectorRewriteError);
  });
});
