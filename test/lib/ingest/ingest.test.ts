import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  DecodeFailedError,
  ImageTooLargeError,
  ingestFile,
  toIngestErrorInfo,
  type PixelDecoder,
} from '../../../src/lib/ingest';
import { sharpDecoder } from '../../support/sharp-decoder';

const png = async (width: number, height: number) =>
  new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: { r: 1, g: 2, b: 3 } } })
      .png()
      .toBuffer(),
  );

describe('ingestFile', () => {
  it('never rejects with an untyped error: a throwing decoder gives DecodeFailedError naming the file', async () => {
    const broken: PixelDecoder = {
      decode: () =>
        Promise.reject(new TypeError('createImageBitmap: The source image could not be decoded.')),
    };
    const error = await ingestFile(await png(4, 4), 'a.png', broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeFailedError);
    expect(toIngestErrorInfo(error as DecodeFailedError)).toEqual({
      name: 'DecodeFailedError',
      fileName: 'a.png',
      message: expect.stringContaining('"a.png" looks like a PNG image but could not be decoded'),
    });
  });

  it('a decoder returning a buffer of the wrong size is a DecodeFailedError, not a crash later', async () => {
    const short: PixelDecoder = {
      decode: async () => ({
        width: 4,
        height: 4,
        channels: 4,
        data: new Uint8Array(3),
        orientationApplied: false,
      }),
    };
    await expect(ingestFile(await png(4, 4), 'b.png', short)).rejects.toMatchObject({
      name: 'DecodeFailedError',
    });
  });

  it('refuses from the header alone an image above maxSourcePixels, without decoding', async () => {
    let decoded = false;
    const spy: PixelDecoder = {
      decode: (bytes, request) => {
        decoded = true;
        return sharpDecoder().decode(bytes, request);
      },
    };
    const error = await ingestFile(await png(300, 200), 'big.png', spy, { maxSourcePixels: 50_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect(decoded).toBe(false);
  });

  it('asks the decoder for the planned size, not the full one', async () => {
    const requests: unknown[] = [];
    const spy: PixelDecoder = {
      decode: (bytes, request) => {
        requests.push({ raw: request.raw, oriented: request.oriented });
        return sharpDecoder().decode(bytes, request);
      },
    };
    const r = await ingestFile(await png(3000, 1000), 'wide.png', spy, { maxSide: 300, thumbnailSide: 30 });
    expect(requests).toEqual([{ raw: { width: 300, height: 100 }, oriented: { width: 300, height: 100 } }]);
    expect([r.width, r.height, r.thumbnail.width, r.thumbnail.height]).toEqual([300, 100, 30, 10]);
    expect(r.warnings).toContain('downscaled from 3000×1000 to 300×100');
  });

  it('finishes with an exact area-average resize when the decoder returns a larger bitmap', async () => {
    const bytes = await png(64, 32);
    const full = await ingestFile(bytes, 'x.png', sharpDecoder({ resize: false }), { maxSide: 16 });
    expect([full.width, full.height]).toEqual([16, 8]);
    expect(Array.from(full.pixels.data.subarray(0, 4))).toEqual([1, 2, 3, 255]);
  });

  it('same bytes, same id, whatever the name', async () => {
    const bytes = await png(8, 8);
    const a = await ingestFile(bytes, 'one.png', sharpDecoder());
    const b = await ingestFile(bytes.slice(), 'two.png', sharpDecoder());
    expect(a.id).toMatch(/^[0-9a-f]{64}$/);
    expect(b.id).toBe(a.id);
  });
});
