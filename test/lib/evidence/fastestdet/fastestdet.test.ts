import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { RasterImage } from '../../../../src/lib/evidence/raster';
import { COCO_CATEGORIES } from '../../../../src/lib/evidence/fastestdet/coco-names';
import { FastestDetDetector, sessionBatchLimit } from '../../../../src/lib/evidence/fastestdet/fastestdet';
import {
  FASTESTDET_CHANNELS,
  FASTESTDET_GRID,
} from '../../../../src/lib/evidence/fastestdet/fastestdet-codec';
import type { SessionLike, TensorLike } from '../../../../src/lib/evidence/fastestdet/session';
import { DetectorOutputError } from '../../../../src/lib/evidence/fastestdet/session';
import { fastestDetSession, loadRaster, ortTensor, realFastestDet } from '../helpers/real-data';

const CELLS = FASTESTDET_GRID * FASTESTDET_GRID;
const PER_IMAGE_IN = 3 * 352 * 352;

/**
 * A stand-in model with a symbolic batch dimension: for each image it reports one box in cell 0 whose
 * class is the image's red value (R plane, first pixel) × 79, so results can be traced back to inputs.
 */
function echoSession(calls: number[][]): SessionLike & { inputMetadata: unknown[] } {
  return {
    inputNames: ['input.1'],
    outputNames: ['758'],
    inputMetadata: [{ name: 'input.1', isTensor: true, type: 'float32', shape: ['N', 3, 352, 352] }],
    run(feeds: Record<string, TensorLike>) {
      const input = feeds['input.1']!;
      calls.push([...input.dims]);
      const data = input.data as Float32Array;
      const n = input.dims[0]!;
      const out = new Float32Array(n * FASTESTDET_CHANNELS * CELLS);
      for (let i = 0; i < n; i++) {
        const red = data[i * PER_IMAGE_IN + 2 * 352 * 352]!;
        const base = i * FASTESTDET_CHANNELS * CELLS;
        out[base] = 0.9; // objectness of cell 0
        out[base + (5 + Math.round(red * 79)) * CELLS] = 0.9;
      }
      return Promise.resolve({
        '758': ortTensor(out, [n, FASTESTDET_CHANNELS, FASTESTDET_GRID, FASTESTDET_GRID]),
      });
    },
  };
}

const solid = (red: number): RasterImage => ({
  width: 4,
  height: 4,
  channels: 3,
  data: new Uint8Array(48).fill(0).map((_, i) => (i % 3 === 0 ? red : 0)),
});

describe('FastestDetDetector', () => {
  it('batches crops up to the batch size and returns results in input order', async () => {
    const calls: number[][] = [];
    const detector = new FastestDetDetector(echoSession(calls), ortTensor, {
      classNames: COCO_CATEGORIES,
      maxBatch: 2,
    });
    expect(detector.batchSize).toBe(2);
    const reds = [0, 255, 51, 102, 204];
    const region = { x: 0, y: 0, width: 4, height: 4 };
    const results = await detector.detect(reds.map((r) => ({ image: solid(r), region })));
    expect(calls.map((d) => d[0])).toEqual([2, 2, 1]);
    expect(results.map((r) => r.map((d) => d.label))).toEqual(
      reds.map((r) => [COCO_CATEGORIES[Math.round((r / 255) * 79)]]),
    );
  });

  it('runs one crop at a time when the session does not tell its batch dimension', () => {
    const { inputMetadata: _unknown, ...plain } = echoSession([]);
    expect(new FastestDetDetector(plain, ortTensor, { classNames: COCO_CATEGORIES }).batchSize).toBe(1);
  });

  it('fails loudly on an output of the wrong shape', async () => {
    const bad: SessionLike = {
      inputNames: ['input.1'],
      outputNames: ['758'],
      run: () => Promise.resolve({ '758': ortTensor(new Float32Array(85), [1, 85, 1, 1]) }),
    };
    const detector = new FastestDetDetector(bad, ortTensor, { classNames: COCO_CATEGORIES });
    await expect(
      detector.detect([{ image: solid(0), region: { x: 0, y: 0, width: 4, height: 4 } }]),
    ).rejects.toThrow(DetectorOutputError);
  });

  it('refuses a class list of the wrong length', () => {
    expect(() => new FastestDetDetector(echoSession([]), ortTensor, { classNames: ['cat'] })).toThrow(
      /80 classes/,
    );
  });
});

describe('the real FastestDet (onnxruntime-node, CPU)', () => {
  it('has its batch dimension fixed at 1, so crops run one by one', async () => {
    const session = await fastestDetSession();
    expect(sessionBatchLimit(session, 'input.1', 8)).toBe(1);
    const two = new ort.Tensor('float32', new Float32Array(2 * PER_IMAGE_IN), [2, 3, 352, 352]);
    await expect(session.run({ 'input.1': two })).rejects.toThrow(/invalid dimensions/);
  });

  it('finds both cats on the whole two-cats photo with scores above 0.8', async () => {
    const image = await loadRaster('coco_val2017_000000039769.png');
    const detector = await realFastestDet();
    const [found] = await detector.detect([
      { image, region: { x: 0, y: 0, width: image.width, height: image.height } },
    ]);
    const cats = found!.filter((d) => d.label === 'cat');
    expect(cats).toHaveLength(2);
    for (const c of cats) expect(c.score).toBeGreaterThan(0.8);
    // Left and right cat: box centres (fractions of the image) on either side of the middle.
    const centres = cats.map((c) => (c.box.x1 + c.box.x2) / 2).sort();
    expect(centres[0]).toBeLessThan(0.5);
    expect(centres[1]).toBeGreaterThan(0.5);
  });
});
