import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readImageHeader } from '../../../src/lib/ingest';
import { writePng } from '../../support/png-writer';

const solid = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } });
const header = async (b: Buffer | Promise<Buffer>) => readImageHeader(new Uint8Array(await b), 'x');

describe('readImageHeader: sizes before decoding', () => {
  it('JPEG: size from SOF, baseline and progressive, gray and YCbCr', async () => {
    expect(await header(solid(123, 45).jpeg().toBuffer())).toMatchObject({
      format: 'jpeg',
      width: 123,
      height: 45,
      orientation: 1,
      info: { colorType: 'ycbcr', progressive: false, bitDepth: 8 },
    });
    const progressive = await header(solid(64, 32).jpeg({ progressive: true }).toBuffer());
    expect(progressive.info.progressive).toBe(true);
    const grayJpeg = await header(solid(8, 8).toColourspace('b-w').jpeg().toBuffer());
    expect(grayJpeg.info.colorType).toBe('gray');
  });

  it('JPEG: Adobe CMYK is detected', async () => {
    const cmyk = await header(solid(20, 10).toColourspace('cmyk').jpeg().toBuffer());
    expect(cmyk.info).toMatchObject({ colorType: 'cmyk', adobe: true });
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8] as const)('JPEG: EXIF orientation %i from APP1', async (orientation) => {
    const h = await header(solid(30, 20).jpeg().withMetadata({ orientation }).toBuffer());
    expect([h.orientation, h.width, h.height]).toEqual([orientation, 30, 20]);
  });

  it('PNG: bit depth and colour type from IHDR, alpha from colour type or tRNS', async () => {
    expect((await header(writePng(3, 2, 2, 16, new Array(18).fill(9)))).info).toMatchObject({
      bitDepth: 16,
      colorType: 'rgb',
      hasAlpha: false,
    });
    expect((await header(writePng(3, 2, 0, 8, new Array(6).fill(9)))).info.colorType).toBe('gray');
    expect((await header(writePng(3, 2, 4, 8, new Array(12).fill(9)))).info).toMatchObject({
      colorType: 'gray-alpha',
      hasAlpha: true,
    });
    expect((await header(solid(7, 5, 4).png().toBuffer())).info).toMatchObject({
      colorType: 'rgba',
      hasAlpha: true,
    });
    const palette = await header(solid(7, 5).png({ palette: true }).toBuffer());
    expect([palette.width, palette.height, palette.info.colorType]).toEqual([7, 5, 'palette']);
  });

  it('GIF: size and frame count', async () => {
    const still = await header(solid(9, 4).gif().toBuffer());
    expect([still.width, still.height, still.info.animated, still.info.frameCount]).toEqual([9, 4, false, 1]);
    const frames = Buffer.concat([Buffer.alloc(9 * 4 * 3, 200), Buffer.alloc(9 * 4 * 3, 20)]);
    const anim = await header(
      sharp(frames, { raw: { width: 9, height: 8, channels: 3, pageHeight: 4 } })
        .gif({ loop: 0 })
        .toBuffer(),
    );
    expect([anim.width, anim.height, anim.info.animated, anim.info.frameCount]).toEqual([9, 4, true, 2]);
  });

  it('WebP: lossy, lossless (with alpha) and extended with EXIF orientation', async () => {
    expect(await header(solid(33, 17).webp().toBuffer())).toMatchObject({ width: 33, height: 17 });
    expect(await header(solid(33, 17, 4).webp({ lossless: true }).toBuffer())).toMatchObject({
      width: 33,
      height: 17,
      info: { hasAlpha: true },
    });
    const rotated = await header(solid(33, 17).webp().withMetadata({ orientation: 8 }).toBuffer());
    expect([rotated.width, rotated.height, rotated.orientation]).toEqual([33, 17, 8]);
  });

  it('AVIF: size from the ispe property', async () => {
    expect(await header(solid(40, 24).avif().toBuffer())).toMatchObject({
      format: 'avif',
      width: 40,
      height: 24,
    });
  });

  it('BMP: size from the DIB header, bottom-up or top-down', () => {
    const bmp = (height: number) => {
      const b = Buffer.alloc(54 + 4 * 3 * 4);
      b.write('BM', 0, 'latin1');
      b.writeUInt32LE(b.length, 2);
      b.writeUInt32LE(54, 10);
      b.writeUInt32LE(40, 14);
      b.writeInt32LE(3, 18);
      b.writeInt32LE(height, 22);
      b.writeUInt16LE(1, 26);
      b.writeUInt16LE(24, 28);
      return new Uint8Array(b);
    };
    expect(readImageHeader(bmp(4), 'x')).toMatchObject({ format: 'bmp', width: 3, height: 4 });
    expect(readImageHeader(bmp(-4), 'x')).toMatchObject({ format: 'bmp', width: 3, height: 4 });
  });
});
