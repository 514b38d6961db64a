import { describe, expect, it } from 'vitest';
import {
  InvalidCropSettingsError,
  isCutByCrop,
  mapCropPixelBoxToImage,
  mapNormalizedBoxToImage,
  planCrops,
} from '../../../src/lib/evidence/crops';

describe('planCrops', () => {
  const crops = planCrops(640, 480);

  it('makes the whole image, a 2×2 and a 3×3 grid by default', () => {
    expect(crops.map((c) => c.id)).toEqual([
      'z1-r0-c0',
      ...['z2-r0-c0', 'z2-r0-c1', 'z2-r1-c0', 'z2-r1-c1'],
      ...[
        'z3-r0-c0',
        'z3-r0-c1',
        'z3-r0-c2',
        'z3-r1-c0',
        'z3-r1-c1',
        'z3-r1-c2',
        'z3-r2-c0',
        'z3-r2-c1',
        'z3-r2-c2',
      ],
    ]);
    expect(crops[0]).toMatchObject({ x: 0, y: 0, width: 640, height: 480, zoom: 1 });
  });

  it('places windows of one size with 25% overlap, the last ending at the border', () => {
    // 2×2: window = 640 / 1.75 = 365.7, stride 274.3; 3×3: window = 640 / 2.5 = 256, stride 192.
    const z2 = crops.filter((c) => c.zoom === 2);
    expect(z2.map((c) => [c.x, c.y, c.width, c.height])).toEqual([
      [0, 0, 366, 274],
      [274, 0, 366, 274],
      [0, 206, 366, 274],
      [274, 206, 366, 274],
    ]);
    const z3 = crops.filter((c) => c.zoom === 3 && c.row === 0);
    expect(z3.map((c) => [c.x, c.width])).toEqual([
      [0, 256],
      [192, 256],
      [384, 256],
    ]);
    for (const c of crops) {
      expect(c.x + c.width).toBeLessThanOrEqual(640);
      expect(c.y + c.height).toBeLessThanOrEqual(480);
    }
    // Neighbours overlap by a quarter of a window, to within a pixel of rounding.
    const overlap = z2[0]!.x + z2[0]!.width - z2[1]!.x;
    expect(Math.abs(overlap - 0.25 * (640 / 1.75))).toBeLessThanOrEqual(1);
  });

  it('covers every pixel at every zoom level', () => {
    for (const zoom of [1, 2, 3]) {
      const level = crops.filter((c) => c.zoom === zoom);
      for (const [x, y] of [
        [0, 0],
        [639, 479],
        [320, 240],
        [365, 273],
        [383, 287],
      ] as const) {
        expect(level.some((c) => x >= c.x && x < c.x + c.width && y >= c.y && y < c.y + c.height)).toBe(true);
      }
    }
  });

  it('follows the settings and rejects bad ones', () => {
    expect(planCrops(100, 100, { grids: [4], overlap: 0 }).map((c) => c.x)).toEqual([
      0, 25, 50, 75, 0, 25, 50, 75, 0, 25, 50, 75, 0, 25, 50, 75,
    ]);
    expect(() => planCrops(100, 100, { grids: [], overlap: 0.25 })).toThrow(InvalidCropSettingsError);
    expect(() => planCrops(100, 100, { grids: [2, 2], overlap: 0.25 })).toThrow(/twice/);
    expect(() => planCrops(100, 100, { grids: [1.5], overlap: 0.25 })).toThrow(/integer/);
    expect(() => planCrops(100, 100, { grids: [2], overlap: 0.95 })).toThrow(/Overlap/);
    expect(() => planCrops(0, 100)).toThrow(/empty/);
  });
});

describe('mapping boxes from crops to the image', () => {
  const crop = planCrops(640, 480).find((c) => c.id === 'z2-r1-c1')!; // x 274, y 206, 366 × 274

  it('maps fractions of a crop to image pixels and clips to the crop', () => {
    const m = mapNormalizedBoxToImage({ x1: 0.5, y1: 0.25, x2: 1.1, y2: 0.75 }, crop);
    expect(m.x1).toBeCloseTo(274 + 183, 10);
    expect(m.y1).toBeCloseTo(206 + 68.5, 10);
    expect(m.x2).toBe(640);
    expect(m.y2).toBeCloseTo(206 + 205.5, 10);
  });

  it('maps crop pixels (Florence-2 on a cropped image) to image pixels', () => {
    expect(mapCropPixelBoxToImage({ x1: 10, y1: 20, x2: 30, y2: 400 }, crop)).toEqual({
      x1: 284,
      y1: 226,
      x2: 304,
      y2: 480,
    });
  });

  it('calls a box cut only at inner crop edges', () => {
    // Touches the crop's left edge (x = 274), which is inside the image: cut.
    expect(isCutByCrop({ x1: 274, y1: 300, x2: 400, y2: 400 }, crop, 640, 480)).toBe(true);
    // Touches the right and bottom edges, which are the image's border: not cut.
    expect(isCutByCrop({ x1: 400, y1: 300, x2: 640, y2: 480 }, crop, 640, 480)).toBe(false);
    // The whole image has no inner edges.
    expect(isCutByCrop({ x1: 0, y1: 0, x2: 640, y2: 480 }, planCrops(640, 480)[0]!, 640, 480)).toBe(false);
  });
});
