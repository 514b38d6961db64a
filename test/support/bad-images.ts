import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { writePng } from './png-writer';

/** One generated file and how the studio must handle it (issue 2, point 5). */
export interface BadImageCase {
  /** File name inside the folder. */
  file: string;
  path: string;
  expect: 'error' | 'ok';
  /** `name` of the error class for expect: 'error'. */
  errorName?: string;
  /** Substring of one of the record's warnings, for expect: 'ok'. */
  warning?: string;
  /** Size of the ingested pixels at the default max side 2048 (orientation applied). */
  size?: { width: number; height: number };
  note: string;
}

type Rgb = { r: number; g: number; b: number };
const RED: Rgb = { r: 255, g: 0, b: 0 };
const GREEN: Rgb = { r: 0, g: 255, b: 0 };
const BLUE: Rgb = { r: 0, g: 0, b: 255 };
const WHITE: Rgb = { r: 255, g: 255, b: 255 };

/** Raw RGB image made of a 2×2 grid of quadrants (top-left, top-right, bottom-left, bottom-right). */
export function quadrants(width: number, height: number, colors: [Rgb, Rgb, Rgb, Rgb]): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = colors[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)]!;
      raw.set([c.r, c.g, c.b], (y * width + x) * 3);
    }
  }
  return raw;
}

/** A deterministic noisy photo stand-in, so a JPEG has a long entropy-coded scan to cut. */
function noise(width: number, height: number, seed = 1): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  let s = seed >>> 0;
  for (let i = 0; i < raw.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    raw[i] = (((i * 7) % 256) + (s >>> 24)) & 0xff;
  }
  return raw;
}

const box = (type: string, ...payload: Buffer[]): Buffer => {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
};

/** ISO-BMFF start of an iPhone photo: ftyp heic (mif1 compatible), meta with a 'pict' handler. */
function heicBytes(): Buffer {
  const ftyp = box('ftyp', Buffer.from('heic\0\0\0\0mif1heicmiaf', 'latin1'));
  const hdlr = box('hdlr', Buffer.alloc(8), Buffer.from('pict', 'latin1'), Buffer.alloc(13));
  const meta = box('meta', Buffer.alloc(4), hdlr);
  const mdat = box('mdat', Buffer.alloc(64, 0x5a));
  return Buffer.concat([ftyp, meta, mdat]);
}

const rgb = (raw: Buffer, width: number, height: number) =>
  sharp(raw, { raw: { width, height, channels: 3 } });

async function truncatedJpeg(): Promise<Buffer> {
  const jpeg = await rgb(noise(256, 192), 256, 192).jpeg({ quality: 90 }).toBuffer();
  return jpeg.subarray(0, Math.floor(jpeg.length * 0.6));
}

/** A valid PNG with one byte of its image data flipped: the IDAT CRC no longer matches. */
async function corruptPng(): Promise<Buffer> {
  const png = Buffer.from(await rgb(noise(64, 64), 64, 64).png().toBuffer());
  const idat = png.indexOf('IDAT', 8, 'latin1');
  png[idat + 4 + 10]! ^= 0xff;
  return png;
}

async function animatedGif(): Promise<Buffer> {
  const frame = (c: Rgb) =>
    rgb(quadrants(40, 30, [c, c, c, c]), 40, 30)
      .raw()
      .toBuffer();
  const frames = Buffer.concat([await frame(RED), await frame(BLUE), await frame(GREEN)]);
  return sharp(frames, { raw: { width: 40, height: 90, channels: 3, pageHeight: 30 } })
    .gif({ loop: 0, delay: [200, 200, 200] })
    .toBuffer();
}

/** 12000×12000, left half red, right half blue; about 450 KB on disk. */
async function hugePng(): Promise<Buffer> {
  const half = { width: 6000, height: 12000, channels: 3 as const };
  return sharp({ create: { ...half, width: 12000, background: BLUE } })
    .composite([{ input: { create: { ...half, background: RED } }, left: 0, top: 0 }])
    .removeAlpha()
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** Stored 60×40 with red/green/blue/white quadrants and EXIF orientation 6 (displayed 40×60). */
export const EXIF_ROTATED_QUADRANTS: [Rgb, Rgb, Rgb, Rgb] = [RED, GREEN, BLUE, WHITE];

async function alphaPng(): Promise<Buffer> {
  // Left half opaque green, right half fully transparent black: must come out green | white.
  const raw = Buffer.alloc(32 * 16 * 4);
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 32; x++) raw.set(x < 16 ? [0, 255, 0, 255] : [0, 0, 0, 0], (y * 32 + x) * 4);
  }
  return sharp(raw, { raw: { width: 32, height: 16, channels: 4 } })
    .png()
    .toBuffer();
}

/** 16-bit samples chosen off the multiples of 257, so reducing to 8 bits must round: 100, 150, 200. */
export const DEEP_PNG_SAMPLES = [100 * 257 + 60, 150 * 257 - 60, 200 * 257] as const;

/** sharp ignores a 16-bit depth on raw input, so this PNG is written by hand. */
async function deepPng(): Promise<Buffer> {
  const samples = Array.from({ length: 32 * 24 * 3 }, (_, i) => DEEP_PNG_SAMPLES[i % 3]!);
  return writePng(32, 24, 2, 16, samples);
}

/**
 * Write every bad or odd file of issue 2 point 5 into `dir` and say how each must be handled.
 * Used by the unit tests (test/lib/ingest) and by the end-to-end tests (dropped as a folder).
 */
export async function writeBadImages(dir: string): Promise<BadImageCase[]> {
  await mkdir(dir, { recursive: true });
  const cases: Array<Omit<BadImageCase, 'path'> & { bytes: () => Promise<Uint8Array> }> = [
    {
      file: 'notes.txt',
      expect: 'error',
      errorName: 'NotAnImageError',
      note: 'a text file',
      bytes: async () => Buffer.from('This is not an image.\nJust some notes.\n'),
    },
    {
      file: 'empty.jpg',
      expect: 'error',
      errorName: 'EmptyFileError',
      note: 'zero bytes',
      bytes: async () => new Uint8Array(0),
    },
    {
      file: 'truncated.jpg',
      expect: 'error',
      errorName: 'TruncatedImageError',
      note: 'JPEG cut at 60%: no EOI, scan cut short (browsers would paint the rest grey)',
      bytes: truncatedJpeg,
    },
    {
      file: 'corrupt.png',
      expect: 'error',
      errorName: 'CorruptImageError',
      note: 'PNG with a flipped byte in IDAT: CRC mismatch',
      bytes: corruptPng,
    },
    {
      file: 'iphone.heic',
      expect: 'error',
      errorName: 'UnsupportedFormatError',
      note: 'HEIC (ftyp heic): rejected by name with a conversion hint',
      bytes: async () => heicBytes(),
    },
    {
      file: 'huge-12000.png',
      expect: 'ok',
      warning: 'downscaled from 12000×12000 to 2048×2048',
      size: { width: 2048, height: 2048 },
      note: '12000×12000 (left red, right blue), decoded straight to 2048×2048',
      bytes: hugePng,
    },
    {
      file: 'animated.gif',
      expect: 'ok',
      warning: 'first frame used',
      size: { width: 40, height: 30 },
      note: 'three frames red, blue, green: the first (red) is used',
      bytes: animatedGif,
    },
    {
      file: 'exif-rotated.jpg',
      expect: 'ok',
      size: { width: 40, height: 60 },
      note: 'stored 60×40 quadrants red|green / blue|white, EXIF orientation 6: displayed 40×60, blue top-left',
      bytes: () =>
        rgb(quadrants(60, 40, EXIF_ROTATED_QUADRANTS), 60, 40)
          .jpeg({ quality: 95 })
          .withMetadata({ orientation: 6 })
          .toBuffer(),
    },
    {
      file: 'cmyk.jpg',
      expect: 'ok',
      warning: 'CMYK JPEG',
      size: { width: 48, height: 32 },
      note: 'Adobe CMYK JPEG of a red image: comes out red in RGB',
      bytes: () =>
        sharp({ create: { width: 48, height: 32, channels: 3, background: RED } })
          .toColourspace('cmyk')
          .jpeg()
          .toBuffer(),
    },
    {
      file: 'deep-16bit.png',
      expect: 'ok',
      warning: '16 bits per channel',
      size: { width: 32, height: 24 },
      note: '16-bit RGB PNG (100, 150, 200): reduced to 8 bits',
      bytes: deepPng,
    },
    {
      file: 'palette.png',
      expect: 'ok',
      size: { width: 40, height: 30 },
      note: 'indexed-colour PNG of red/green/blue/white quadrants',
      bytes: () =>
        rgb(quadrants(40, 30, [RED, GREEN, BLUE, WHITE]), 40, 30)
          .png({ palette: true, colours: 4, dither: 0 })
          .toBuffer(),
    },
    {
      file: 'alpha.png',
      expect: 'ok',
      warning: 'on white',
      size: { width: 32, height: 16 },
      note: 'RGBA PNG, left opaque green, right transparent: composited on white',
      bytes: alphaPng,
    },
    {
      file: 'grayscale.jpg',
      expect: 'ok',
      size: { width: 32, height: 32 },
      note: 'one-component (gray) JPEG of value 128, expanded to RGB',
      bytes: () =>
        sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 128, g: 128, b: 128 } } })
          .toColourspace('b-w')
          .jpeg()
          .toBuffer(),
    },
    {
      file: 'really-a-png.jpg',
      expect: 'ok',
      warning: 'a PNG named .jpg',
      size: { width: 24, height: 16 },
      note: 'a green PNG saved under a .jpg name: decoded by its bytes, the name noted',
      bytes: () =>
        sharp({ create: { width: 24, height: 16, channels: 3, background: GREEN } })
          .png()
          .toBuffer(),
    },
  ];
  const written: BadImageCase[] = [];
  for (const { bytes, ...rest } of cases) {
    const path = join(dir, rest.file);
    await writeFile(path, await bytes());
    written.push({ ...rest, path });
  }
  return written;
}
