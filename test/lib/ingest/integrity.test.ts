import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { crc32, readImageHeader } from '../../../src/lib/ingest';
import { writePng } from '../../support/png-writer';

let jpeg: Uint8Array;
let png: Uint8Array;
let progressive: Uint8Array;

const noisy = (width: number, height: number) =>
  sharp(Buffer.from(Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 2654435761) >>> 24)), {
    raw: { width, height, channels: 3 },
  });
const errorName = (bytes: Uint8Array) => {
  try {
    readImageHeader(bytes, 'f');
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  }
};

beforeAll(async () => {
  jpeg = new Uint8Array(await noisy(64, 48).jpeg().withMetadata({ orientation: 3 }).toBuffer());
  progressive = new Uint8Array(await noisy(64, 48).jpeg({ progressive: true }).toBuffer());
  png = new Uint8Array(await noisy(32, 16).png().toBuffer());
});

describe('JPEG integrity (browsers paint a truncated JPEG grey without an error)', () => {
  it('accepts the whole file, and trailing bytes after EOI', () => {
    expect(errorName(jpeg)).toBe('ok');
    expect(errorName(new Uint8Array([...jpeg, 0, 0, 0x12]))).toBe('ok');
  });

  it('rejects every cut of a baseline and a progressive file as TruncatedImageError', () => {
    for (const file of [jpeg, progressive]) {
      const names = new Set<string>();
      for (let cut = 3; cut < file.length; cut += 7) names.add(errorName(file.subarray(0, cut)));
      names.add(errorName(file.subarray(0, file.length - 1)));
      expect(names).toEqual(new Set(['TruncatedImageError']));
    }
  });

  it('rejects a JPEG whose segments are garbage as CorruptImageError', () => {
    const broken = jpeg.slice();
    const secondSegment = 4 + ((broken[4]! << 8) | broken[5]!);
    broken[secondSegment] = 0x12; // not a marker where the second segment should start
    expect(errorName(broken)).toBe('CorruptImageError');
  });
});

describe('PNG integrity', () => {
  it('accepts a valid file', () => expect(errorName(png)).toBe('ok'));

  it('rejects a flipped byte in any chunk (CRC) as CorruptImageError', () => {
    for (const at of [16, 20, 40, png.length - 20]) {
      const broken = png.slice();
      broken[at]! ^= 0x01;
      expect(errorName(broken), `byte ${at}`).toBe('CorruptImageError');
    }
  });

  it('rejects a file cut anywhere as TruncatedImageError', () => {
    const names = new Set<string>();
    for (let cut = 9; cut < png.length; cut += 5) names.add(errorName(png.subarray(0, cut)));
    expect(names).toEqual(new Set(['TruncatedImageError']));
  });

  it('rejects an impossible IHDR (colour type 2 at 4 bits) even with a right CRC', () => {
    const bad = new Uint8Array(writePng(2, 2, 2, 8, new Array(12).fill(0)));
    bad[24] = 4; // bit depth
    const view = new DataView(bad.buffer);
    view.setUint32(29, crc32(bad.subarray(12, 29)));
    expect(() => readImageHeader(bad, 'odd.png')).toThrow(/colour type 2 with bit depth 4/);
  });
});
