import { describe, expect, it } from 'vitest';
import { downscaleAreaAverage, fitWithin, resizeAreaAverage, type RgbaImage } from '../../../src/lib/ingest';
import { loadResizeCases, REFERENCE_QUANTUM } from '../../support/resize-fixtures';

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

/**
 * resizeAreaAverage claims OpenCV's INTER_AREA (exact box filter, partly covered pixels weighted by the
 * covered fraction), so the reference is cv2.resize(..., INTER_AREA) on float64: the exact average, unrounded.
 * Our one rounding puts every value within half a level of it; the reference carries OpenCV's float32 weights
 * (error about 1.5e-5 of a level) and its storage quantum (1/512). Any other filter (nearest, PIL's BOX,
 * bilinear) or a truncating rounding breaks the half-level bound on these noisy images.
 */
describe('resizeAreaAverage against OpenCV INTER_AREA (downscaling)', () => {
  const TOLERANCE = 0.5 + REFERENCE_QUANTUM + 1e-4;
  for (const { fixture, pixels, reference } of loadResizeCases('area')) {
    const { width: sw, height: sh } = fixture.source;
    it(`${fixture.name}: ${sw}×${sh} → ${fixture.width}×${fixture.height} within half a level`, () => {
      const out = resizeAreaAverage({ width: sw, height: sh, data: pixels }, fixture.width, fixture.height);
      expect([out.width, out.height]).toEqual([fixture.width, fixture.height]);
      let worst = 0;
      let worstAt = -1;
      for (let i = 0; i < reference.length; i++) {
        const error = Math.abs(out.data[i]! - reference[i]!);
        if (error > worst) [worst, worstAt] = [error, i];
      }
      expect(worst, `worst at element ${worstAt} (pixel ${Math.floor(worstAt / 4)})`).toBeLessThanOrEqual(
        TOLERANCE,
      );
    });
  }
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
