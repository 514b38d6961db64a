import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile, isImageIngestError, type IngestRecord } from '../../../src/lib/ingest';
import { DEEP_PNG_SAMPLES, writeBadImages, type BadImageCase } from '../../support/bad-images';
import { sharpDecoder } from '../../support/sharp-decoder';

let dir: string;
let cases: BadImageCase[];
const outcomes = new Map<string, IngestRecord | Error>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bad-images-'));
  cases = await writeBadImages(dir);
  for (const c of cases) {
    const bytes = new Uint8Array(await readFile(c.path));
    outcomes.set(
      c.file,
      await ingestFile(bytes, c.file, sharpDecoder()).catch((error: unknown) => error as Error),
    );
  }
}, 120_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

const record = (file: string) => {
  const outcome = outcomes.get(file);
  if (!outcome || outcome instanceof Error) throw new Error(`${file} did not ingest: ${String(outcome)}`);
  return outcome;
};
/** RGB at (x, y) of the ingested pixels. */
const rgbAt = (r: IngestRecord, x: number, y: number) =>
  Array.from(r.pixels.data.subarray((y * r.width + x) * 4, (y * r.width + x) * 4 + 3));
const near = (actual: number[], expected: number[], tolerance: number) =>
  actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance);

describe('every bad or odd file of issue 2 gets its own handling', () => {
  it('covers the whole list, each error with its own name', () => {
    expect(cases.map((c) => c.file)).toHaveLength(14);
    const names = cases.filter((c) => c.expect === 'error').map((c) => c.errorName);
    expect(new Set(names).size).toBe(names.length);
  });

  it('fails or succeeds as described, with the described error name, warning and size', () => {
    for (const c of cases) {
      const outcome = outcomes.get(c.file);
      if (c.expect === 'error') {
        expect(isImageIngestError(outcome), c.file).toBe(true);
        expect((outcome as Error).name, c.file).toBe(c.errorName);
        expect((outcome as Error).message, c.file).toContain(`"${c.file}"`);
      } else {
        const r = record(c.file);
        if (c.warning) expect(r.warnings.join(' | '), c.file).toContain(c.warning);
        if (c.size) expect({ width: r.width, height: r.height }, c.file).toEqual(c.size);
      }
    }
  });

  it('names HEIC and says how to convert it', () => {
    expect((outcomes.get('iphone.heic') as Error).message).toMatch(/HEIC format.*Convert it to JPEG/);
  });

  it('huge 12000×12000: 2048×2048, left red and right blue, thumbnail 256', () => {
    const r = record('huge-12000.png');
    expect([r.sourceWidth, r.sourceHeight]).toEqual([12000, 12000]);
    expect(rgbAt(r, 10, 1000)).toEqual([255, 0, 0]);
    expect(rgbAt(r, 2040, 1000)).toEqual([0, 0, 255]);
    expect([r.thumbnail.width, r.thumbnail.height]).toEqual([256, 256]);
  });

  it('animated GIF: the first frame (red) of three', () => {
    const r = record('animated.gif');
    expect(r.info.frameCount).toBe(3);
    expect(rgbAt(r, 20, 15)).toEqual([255, 0, 0]);
  });

  it('EXIF orientation 6: 40×60 with blue top-left, red top-right, white bottom-left, green bottom-right', () => {
    const r = record('exif-rotated.jpg');
    expect(r.orientation).toBe(6);
    const tolerance = 8; // JPEG at quality 95, away from the quadrant edges
    expect(near(rgbAt(r, 5, 5), [0, 0, 255], tolerance)).toBe(true);
    expect(near(rgbAt(r, 34, 5), [255, 0, 0], tolerance)).toBe(true);
    expect(near(rgbAt(r, 5, 54), [255, 255, 255], tolerance)).toBe(true);
    expect(near(rgbAt(r, 34, 54), [0, 255, 0], tolerance)).toBe(true);
  });

  it('CMYK JPEG: red stays red after conversion to RGB', () => {
    const r = record('cmyk.jpg');
    expect(r.info.colorType).toBe('cmyk');
    const [red, green, blue] = rgbAt(r, 10, 10) as [number, number, number];
    expect(red).toBeGreaterThan(200);
    expect(Math.max(green, blue)).toBeLessThan(40);
  });

  it('16-bit PNG: samples reduced to 8 bits with rounding, exactly', () => {
    const r = record('deep-16bit.png');
    expect(r.info.bitDepth).toBe(16);
    expect(rgbAt(r, 3, 3)).toEqual(DEEP_PNG_SAMPLES.map((v) => Math.round(v / 257)));
    expect(rgbAt(r, 3, 3)).toEqual([100, 150, 200]);
  });

  it('palette PNG: quadrant colours exact', () => {
    const r = record('palette.png');
    expect(r.info.colorType).toBe('palette');
    expect([rgbAt(r, 2, 2), rgbAt(r, 37, 2), rgbAt(r, 2, 27), rgbAt(r, 37, 27)]).toEqual([
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 255],
    ]);
  });

  it('PNG with alpha: opaque green stays, transparent black becomes white', () => {
    const r = record('alpha.png');
    expect([rgbAt(r, 4, 8), rgbAt(r, 28, 8)]).toEqual([
      [0, 255, 0],
      [255, 255, 255],
    ]);
  });

  it('grayscale JPEG: expanded to equal R, G and B', () => {
    const r = record('grayscale.jpg');
    expect(r.info.colorType).toBe('gray');
    const [red, green, blue] = rgbAt(r, 16, 16) as [number, number, number];
    expect(red === green && green === blue && Math.abs(red - 128) <= 1).toBe(true);
  });
});
