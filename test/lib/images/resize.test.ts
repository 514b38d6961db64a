import { describe, expect, it } from 'vitest';
import { downscaleAreaAverage, fitWithin, resizeAreaAverage, type RgbaImage } from '../../../src/lib/images';

/** A gray image from a list of rows (alpha 255). */
function gray(rows: number[][]): RgbaImage {
  const height = rows.length;
  const width = rows[0]!.length;
  const data = new Uint8Array(width * height * 4);
  rows.flat().forEach((v, i) => data.set([v, v, v, 255], i * 4));
  return { width, height, data };
}
const channel0 = (img: RgbaImage) =>
  Array.from({ length: img.width * img.height }, (_, i) => img.data[i * 4]!);

describe('resizeAreaAverage', () => {
  it('averages whole blocks exactly when the factor is an integer', () => {
    const img = gray([
      [0, 10, 100, 200],
      [20, 30, 50, 50],
      [255, 255, 0, 1],
      [255, 255, 2, 3],
    ]);
    // (0+10+20+30)/4 = 15, (100+200+50+50)/4 = 100, 255, (0+1+2+3)/4 = 1.5 -> 2 (round half up)
    expect(channel0(resizeAreaAverage(img, 2, 2))).toEqual([15, 100, 255, 2]);
  });

  it('weights partly covered pixels by their covered area (3 -> 2)', () => {
    // Output pixel 0 covers source [0, 1.5): (90·1 + 30·0.5) / 1.5 = 70; pixel 1: (30·0.5 + 0·1) / 1.5 = 10
    expect(channel0(resizeAreaAverage(gray([[90, 30, 0]]), 2, 1))).toEqual([70, 10]);
  });

  it('keeps a flat image flat and alpha at 255', () => {
    const img = gray(Array.from({ length: 37 }, () => new Array(53).fill(77)));
    const out = resizeAreaAverage(img, 10, 7);
    expect(new Set(channel0(out))).toEqual(new Set([77]));
    expect(Array.from({ length: 70 }, (_, i) => out.data[i * 4 + 3])).toEqual(new Array(70).fill(255));
  });

  it('is deterministic to the byte', () => {
    const data = Uint8Array.from({ length: 101 * 67 * 4 }, (_, i) => (i * 7919) % 256);
    const img = { width: 101, height: 67, data };
    expect(resizeAreaAverage(img, 31, 20).data).toEqual(resizeAreaAverage(img, 31, 20).data);
  });

  it('returns the same object when the size already matches', () => {
    const img = gray([[1, 2]]);
    expect(resizeAreaAverage(img, 2, 1)).toBe(img);
  });
});

describe('fitWithin / downscaleAreaAverage', () => {
  it('fits the longest side, keeps the aspect, never upscales', () => {
    expect(fitWithin({ width: 12000, height: 12000 }, 2048)).toEqual({ width: 2048, height: 2048 });
    expect(fitWithin({ width: 4000, height: 3000 }, 224)).toEqual({ width: 224, height: 168 });
    expect(fitWithin({ width: 100, height: 50 }, 256)).toEqual({ width: 100, height: 50 });
    expect(fitWithin({ width: 10000, height: 3 }, 256)).toEqual({ width: 256, height: 1 });
  });

  it('downscales to the fitted size', () => {
    const out = downscaleAreaAverage(gray(Array.from({ length: 40 }, () => new Array(80).fill(5))), 20);
    expect([out.width, out.height]).toEqual([20, 10]);
  });
});
