import { describe, expect, it } from 'vitest';
import { InvalidRasterError } from '../../../../src/lib/evidence/raster';
import { cropRaster } from '../../../../src/lib/evidence/teacher/raster-crop';

describe('cropRaster', () => {
  // 4×3 RGB image whose pixel (x, y) holds [10y + x, 100 + 10y + x, 200].
  const image = {
    width: 4,
    height: 3,
    channels: 3 as const,
    data: Uint8Array.from({ length: 36 }, (_, i) => {
      const p = Math.floor(i / 3);
      const [x, y] = [p % 4, Math.floor(p / 4)];
      return [10 * y + x, 100 + 10 * y + x, 200][i % 3]!;
    }),
  };

  it('copies the window row by row', () => {
    const c = cropRaster(image, { x: 1, y: 1, width: 2, height: 2 });
    expect([c.width, c.height, c.channels]).toEqual([2, 2, 3]);
    expect(Array.from(c.data)).toEqual([11, 111, 200, 12, 112, 200, 21, 121, 200, 22, 122, 200]);
  });

  it('returns the image itself for the whole window and refuses windows outside it', () => {
    expect(cropRaster(image, { x: 0, y: 0, width: 4, height: 3 })).toBe(image);
    expect(() => cropRaster(image, { x: 3, y: 0, width: 2, height: 1 })).toThrow(InvalidRasterError);
    expect(() => cropRaster(image, { x: 0.5, y: 0, width: 1, height: 1 })).toThrow(InvalidRasterError);
  });
});
