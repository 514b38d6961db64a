/**
 * The studio's image-processor resize against Pillow's own (tools/make_pil_resize_fixtures.py,
 * test/fixtures/pil-resize.json): bilinear and bicubic, shrinking, enlarging, one axis or both, byte for byte.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPilResample, resizeLikePil, type PilResample } from '../../../src/lib/caption/pil-resize';

interface Fixture {
  images: {
    width: number;
    height: number;
    data: number[];
    outputs: { resample: PilResample; width: number; height: number; data: number[] }[];
  }[];
}

const fixture = JSON.parse(readFileSync('test/fixtures/pil-resize.json', 'utf8')) as Fixture;
const cases = fixture.images.flatMap((image) =>
  image.outputs.map((o) => ({
    name: `${image.width}×${image.height} → ${o.width}×${o.height}, resample ${o.resample}`,
    image,
    output: o,
  })),
);

describe('resizeLikePil', () => {
  it.each(cases)('equals Pillow: $name', ({ image, output }) => {
    const got = resizeLikePil(
      Uint8Array.from(image.data),
      image.width,
      image.height,
      3,
      output.width,
      output.height,
      output.resample,
    );
    expect(Array.from(got)).toEqual(output.data);
  });

  it('keeps an image of the target size as it is', () => {
    const data = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 37) % 256);
    expect(Array.from(resizeLikePil(data, 4, 3, 3, 4, 3, 2))).toEqual(Array.from(data));
  });

  it('refuses pixels that do not fill the stated size', () => {
    expect(() => resizeLikePil(new Uint8Array(10), 4, 3, 3, 2, 2, 2)).toThrow(RangeError);
  });

  it('knows which resample numbers it implements', () => {
    expect([0, 1, 2, 3, 4, 5].filter(isPilResample)).toEqual([2, 3]);
  });
});
