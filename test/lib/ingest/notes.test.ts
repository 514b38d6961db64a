/**
 * The notes a card shows about what ingest found: a file whose name claims another image format ("a PNG named
 * .jpg", decoded by its bytes all the same), and "transparent areas shown on white" only when the pixels used
 * (an animated GIF's first frame) have a transparent area, not whenever the header allows one.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../../src/lib/ingest';
import { misnamedNote } from '../../../src/lib/ingest/header';
import { sharpDecoder } from '../../support/sharp-decoder';

const decoder = sharpDecoder();
const WHITE_NOTE = 'transparent areas shown on white';

const rgb = async (format: 'png' | 'jpeg' | 'webp') => {
  const image = sharp({ create: { width: 6, height: 4, channels: 3, background: { r: 200, g: 20, b: 30 } } });
  return new Uint8Array(await image.toFormat(format).toBuffer());
};

/** A two-frame GIF: each frame 9×4 RGBA, the first with `firstAlpha`, the second with a transparent corner. */
async function twoFrameGif(firstAlpha: number): Promise<Uint8Array> {
  const frame = (value: number, alpha: (i: number) => number) => {
    const data = Buffer.alloc(9 * 4 * 4, value);
    for (let i = 0; i < 9 * 4; i++) data[i * 4 + 3] = alpha(i);
    return data;
  };
  const first = frame(200, (i) => (i < 4 ? firstAlpha : 255));
  const second = frame(20, (i) => (i < 4 ? 0 : 255));
  const gif = await sharp(Buffer.concat([first, second]), {
    raw: { width: 9, height: 8, channels: 4, pageHeight: 4 },
  })
    .gif({ loop: 0 })
    .toBuffer();
  return new Uint8Array(gif);
}

describe('ingest notes', () => {
  it('says when the name claims another image format, and decodes by the bytes', async () => {
    const record = await ingestFile(await rgb('png'), 'holiday.jpg', decoder);
    expect(record.format).toBe('png');
    expect([record.width, record.height]).toEqual([6, 4]);
    expect(record.warnings).toContain('a PNG named .jpg');
    expect((await ingestFile(await rgb('webp'), 'x.PNG', decoder)).warnings).toContain('a WebP named .PNG');
    // Names that say nothing wrong: the right extension (any spelling), no extension, a non-image one.
    for (const name of ['a.jpg', 'b.JPEG', 'c.jfif', 'camera-upload', 'scan.bin'])
      expect((await ingestFile(await rgb('jpeg'), name, decoder)).warnings).toEqual([]);
  });

  it('names the format with the right article', () => {
    expect(misnamedNote('avif', 'a.png')).toBe('an AVIF named .png');
    expect(misnamedNote('ico', 'a.gif')).toBe('an ICO named .gif');
    expect(misnamedNote('jpeg', 'a.webp')).toBe('a JPEG named .webp');
    expect(misnamedNote('png', '.png')).toBeNull(); // a hidden file's name, no extension
  });

  it('an animated GIF whose first frame is opaque gets no "shown on white" note; a transparent one does', async () => {
    const opaque = await ingestFile(await twoFrameGif(255), 'opaque.gif', decoder);
    expect(opaque.info.animated).toBe(true);
    expect(opaque.warnings).toEqual(['animated GIF (2 frames): first frame used']);
    const transparent = await ingestFile(await twoFrameGif(0), 'transparent.gif', decoder);
    expect(transparent.warnings).toEqual(['animated GIF (2 frames): first frame used', WHITE_NOTE]);
    // The transparent corner of the first frame is white, the rest its colour.
    expect([...transparent.pixels.data.slice(0, 4)]).toEqual([255, 255, 255, 255]);
  });
});
