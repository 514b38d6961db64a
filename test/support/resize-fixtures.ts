/**
 * OpenCV's downscaling references of tools/make_resize_fixtures.py (test/fixtures/resize): the cases, their
 * synthetic source images (rebuilt here from the same integer formula, checked against the script's
 * checksum) and the exact, unrounded reference values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESIZE_DIR } from './fixtures';

export interface SourceRecipe {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly seed: number;
  /** How much of each pixel is hash noise, out of 256 (0: pure gradient, 256: pure noise). */
  readonly noise: number;
}

interface CaseBase {
  readonly name: string;
  readonly source: SourceRecipe;
  readonly sourceChecksum: number;
  /** Where the reference lies in references.bin (uint16 units) and its [rows, columns, channels]. */
  readonly output: { readonly offset: number; readonly length: number; readonly shape: number[] };
}

/** OpenCV INTER_AREA to width × height (every channel, alpha included). */
export interface AreaCase extends CaseBase {
  readonly resize: 'area';
  readonly width: number;
  readonly height: number;
}

/** OpenCV INTER_LINEAR of the region's first three channels to size × size. */
export interface BilinearCase extends CaseBase {
  readonly resize: 'bilinear';
  readonly region: {
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
  };
  readonly size: number;
  /** The reference keeps output rows and columns 0, step, 2·step, … (all of them when step is 1). */
  readonly step: number;
}

export type ResizeCase = AreaCase | BilinearCase;

interface Manifest {
  readonly scale: number;
  readonly cases: ResizeCase[];
}

/** Half a quantisation step of the stored references (round(value × 256)): their largest storage error. */
export const REFERENCE_QUANTUM = 1 / 512;

/** murmur3's fmix32 over a mix of (x, y, c, seed), as hash32 in the script. */
function hash32(x: number, y: number, c: number, seed: number): number {
  let h = (seed ^ Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** The script's source_pixels: interleaved rows of a per-channel gradient blended with hash noise. */
export function sourcePixels(recipe: SourceRecipe): Uint8Array {
  const { width, height, channels, seed, noise } = recipe;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const gx = Math.floor((x * 255) / Math.max(width - 1, 1));
      const gy = Math.floor((y * 255) / Math.max(height - 1, 1));
      for (let c = 0; c < channels; c++) {
        const gradient = Math.floor((gx * (c + 1) + gy * (4 - c)) / 5);
        const n = hash32(x, y, c, seed) & 0xff;
        out[(y * width + x) * channels + c] = (gradient * (256 - noise) + n * noise) >> 8;
      }
    }
  }
  return out;
}

/** FNV-1a 32, as checksum in the script. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

export interface LoadedCase<C extends ResizeCase> {
  readonly fixture: C;
  readonly pixels: Uint8Array;
  /** OpenCV's value for each output element (rows × columns × channels), in 0..255 levels, unrounded. */
  readonly reference: Float64Array;
}

/** The cases of one resize, with their sources rebuilt and verified and their references decoded. */
export function loadResizeCases<K extends ResizeCase['resize']>(
  resize: K,
): LoadedCase<Extract<ResizeCase, { resize: K }>>[] {
  const manifest = JSON.parse(readFileSync(join(RESIZE_DIR, 'manifest.json'), 'utf8')) as Manifest;
  if (manifest.scale !== 1 / (2 * REFERENCE_QUANTUM)) {
    throw new Error(`Resize fixtures: scale ${manifest.scale}, but REFERENCE_QUANTUM assumes 256.`);
  }
  const bin = readFileSync(join(RESIZE_DIR, 'references.bin'));
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  return manifest.cases
    .filter((c): c is Extract<ResizeCase, { resize: K }> => c.resize === resize)
    .map((fixture) => {
      const pixels = sourcePixels(fixture.source);
      if (fnv1a(pixels) !== fixture.sourceChecksum) {
        throw new Error(
          `Resize fixture ${fixture.name}: the rebuilt source differs from the script's ` +
            '(sourcePixels and tools/make_resize_fixtures.py source_pixels disagree).',
        );
      }
      const reference = new Float64Array(fixture.output.length);
      for (let i = 0; i < reference.length; i++) {
        reference[i] = view.getUint16((fixture.output.offset + i) * 2, true) / manifest.scale;
      }
      return { fixture, pixels, reference };
    });
}
