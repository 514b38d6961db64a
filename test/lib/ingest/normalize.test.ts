import { describe, expect, it } from 'vitest';
import { normalizePixels, type DecodedPixels } from '../../../src/lib/ingest';

const decoded = (channels: DecodedPixels['channels'], data: number[], wide = false): DecodedPixels => ({
  width: data.length / channels,
  height: 1,
  channels,
  data: wide ? Uint16Array.from(data) : Uint8Array.from(data),
  orientationApplied: true,
});
const pixels = (d: DecodedPixels) => Array.from(normalizePixels(d).data);

describe('normalizePixels', () => {
  it('expands gray to RGB with alpha 255', () => {
    expect(pixels(decoded(1, [0, 128, 255]))).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
  });

  it('composites alpha on white: out = c·a/255 + 255·(1 − a/255), rounded', () => {
    // (200·128 + 255·127) / 255 = 227.39 -> 227; (0·128 + 255·127)/255 = 127
    expect(pixels(decoded(4, [200, 0, 255, 128, 9, 9, 9, 0, 1, 2, 3, 255]))).toEqual([
      227, 127, 255, 255, 255, 255, 255, 255, 1, 2, 3, 255,
    ]);
    expect(pixels(decoded(2, [100, 51]))).toEqual([224, 224, 224, 255]); // (100·51 + 255·204)/255 = 224
  });

  it('reduces 16-bit samples to 8 bits with rounding (v / 257)', () => {
    expect(pixels(decoded(3, [0, 65535, 257 * 100 + 128], true))).toEqual([0, 255, 100, 255]);
    expect(pixels(decoded(3, [257 * 100 + 129, 0, 0], true))).toEqual([101, 0, 0, 255]);
  });

  it('rejects a buffer of the wrong length instead of reading garbage', () => {
    expect(() => normalizePixels({ ...decoded(3, [1, 2, 3]), width: 2 })).toThrow(RangeError);
  });
});
