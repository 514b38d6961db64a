import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ingestFile, orientedSize, type Orientation } from '../../../src/lib/ingest';
import { sharpDecoder } from '../../support/sharp-decoder';

/** A 5×3 image where every pixel differs, so any wrong turn or off-by-one shows. */
const W = 5;
const H = 3;
const raw = Buffer.from(Array.from({ length: W * H * 3 }, (_, i) => (i * 37 + 11) % 256));
const pngWithOrientation = (orientation: Orientation) =>
  sharp(raw, { raw: { width: W, height: H, channels: 3 } })
    .png()
    .withMetadata({ orientation })
    .toBuffer();

/** sharp's own EXIF auto-orientation as the reference, as RGBA. */
async function sharpOriented(png: Buffer) {
  const { data, info } = await sharp(png).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: Array.from(data) };
}

const ORIENTATIONS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

describe('EXIF orientation', () => {
  it.each(ORIENTATIONS)('orientation %i matches sharp’s auto-orientation pixel for pixel', async (o) => {
    const png = await pngWithOrientation(o);
    const record = await ingestFile(new Uint8Array(png), 'o.png', sharpDecoder(), { maxSide: 64 });
    expect(record.orientation).toBe(o);
    const { width, height, data } = record.pixels;
    expect({ width, height, data: Array.from(data) }).toEqual(await sharpOriented(png));
    expect({ width: record.sourceWidth, height: record.sourceHeight }).toEqual(
      orientedSize({ width: W, height: H }, o),
    );
  });

  it.each(ORIENTATIONS)('orientation %i is applied once when the decoder applies it itself', async (o) => {
    const png = await pngWithOrientation(o);
    const mine = await ingestFile(new Uint8Array(png), 'o.png', sharpDecoder(), { maxSide: 64 });
    const decoderDid = await ingestFile(new Uint8Array(png), 'o.png', sharpDecoder({ autoOrient: true }), {
      maxSide: 64,
    });
    expect(decoderDid.pixels).toEqual(mine.pixels);
  });

  it.each([5, 6, 7, 8] as const)(
    'orientation %i: a decoder that wrongly claims to have rotated is caught by the aspect ratio',
    async (o) => {
      const png = await pngWithOrientation(o);
      const liar = sharpDecoder({ autoOrient: false, claimOriented: true });
      const record = await ingestFile(new Uint8Array(png), 'o.png', liar, { maxSide: 64 });
      expect(Array.from(record.pixels.data)).toEqual((await sharpOriented(png)).data);
    },
  );
});
