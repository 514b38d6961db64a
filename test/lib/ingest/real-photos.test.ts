import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fitWithin, ingestFile } from '../../../src/lib/ingest';
import { PHOTOS_DIR } from '../../support/fixtures';
import { sharpDecoder } from '../../support/sharp-decoder';

const files = (await readdir(PHOTOS_DIR)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();

/** Mean of each channel over the image. */
const means = (data: Uint8Array, channels: number) =>
  [0, 1, 2].map((c) => {
    let sum = 0;
    for (let i = c; i < data.length; i += channels) sum += data[i]!;
    return sum / (data.length / channels);
  });

describe('real COCO photos from test/fixtures/photos', () => {
  it('finds the photos', () => expect(files.length).toBeGreaterThanOrEqual(12));

  it.each(files)('%s ingests: size, hash, thumbnail and colours agree with sharp', async (file) => {
    const bytes = new Uint8Array(await readFile(join(PHOTOS_DIR, file)));
    // Full-size decode, then the lib's own area-average downscale: the path under test.
    const record = await ingestFile(bytes, file, sharpDecoder({ resize: false }), { maxSide: 224 });
    const meta = await sharp(bytes).metadata();
    expect([record.sourceWidth, record.sourceHeight]).toEqual([
      meta.autoOrient.width,
      meta.autoOrient.height,
    ]);
    expect({ width: record.width, height: record.height }).toEqual(
      fitWithin({ width: record.sourceWidth, height: record.sourceHeight }, 224),
    );
    expect(record.id).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(Math.max(record.thumbnail.width, record.thumbnail.height)).toBeLessThanOrEqual(256);
    // Independent reference: sharp's own oriented Lanczos resize to the same size. Channel means agree within 1 of 255.
    const reference = await sharp(bytes)
      .rotate()
      .resize(record.width, record.height, { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer();
    const ours = means(record.pixels.data, 4);
    means(reference, 3).forEach((m, c) => expect(Math.abs(ours[c]! - m)).toBeLessThan(1));
  });
});
