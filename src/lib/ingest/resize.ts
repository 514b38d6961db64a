import { fitWithin } from './plan';
import type { RgbaImage } from './types';

interface AxisWeights {
  /** For output index j: first source index and the integer weights of consecutive source pixels. */
  first: Int32Array;
  offsets: Int32Array;
  weights: Int32Array;
}

/**
 * Exact box-filter weights in integer units: source pixel i spans [i·out, (i+1)·out) and output
 * pixel j spans [j·src, (j+1)·src) on a common axis of length src·out, so every weight is an
 * integer overlap and the weights of one output pixel add up to `src`.
 */
function axisWeights(src: number, out: number): AxisWeights {
  const first = new Int32Array(out);
  const offsets = new Int32Array(out + 1);
  const weights: number[] = [];
  for (let j = 0; j < out; j++) {
    const lo = j * src;
    const hi = lo + src;
    const i0 = Math.floor(lo / out);
    const i1 = Math.ceil(hi / out);
    first[j] = i0;
    for (let i = i0; i < i1; i++) weights.push(Math.min(hi, (i + 1) * out) - Math.max(lo, i * out));
    offsets[j + 1] = weights.length;
  }
  return { first, offsets, weights: Int32Array.from(weights) };
}

/**
 * Area-average resize to exactly width × height, deterministic to the bit on every platform (sums
 * of integers below 2^53, one rounding at the end). Streams over source rows, so memory is the
 * output plus two rows.
 */
export function resizeAreaAverage(image: RgbaImage, width: number, height: number): RgbaImage {
  if (image.width === width && image.height === height) return image;
  const { width: sw, height: sh, data } = image;
  const xs = axisWeights(sw, width);
  const ys = axisWeights(sh, height);
  const out = new Uint8Array(width * height * 4);
  const row = new Float64Array(width * 4);
  const acc = new Float64Array(width * 4);
  const norm = sw * sh;
  let cachedRow = -1;
  const horizontal = (sy: number) => {
    if (cachedRow === sy) return;
    cachedRow = sy;
    const base = sy * sw * 4;
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      const i0 = xs.first[x]!;
      for (let k = xs.offsets[x]!; k < xs.offsets[x + 1]!; k++) {
        const w = xs.weights[k]!;
        const p = base + (i0 + k - xs.offsets[x]!) * 4;
        r += w * data[p]!;
        g += w * data[p + 1]!;
        b += w * data[p + 2]!;
        a += w * data[p + 3]!;
      }
      row[x * 4] = r;
      row[x * 4 + 1] = g;
      row[x * 4 + 2] = b;
      row[x * 4 + 3] = a;
    }
  };
  for (let y = 0; y < height; y++) {
    acc.fill(0);
    const i0 = ys.first[y]!;
    for (let k = ys.offsets[y]!; k < ys.offsets[y + 1]!; k++) {
      horizontal(i0 + k - ys.offsets[y]!);
      const w = ys.weights[k]!;
      for (let c = 0; c < acc.length; c++) acc[c]! += w * row[c]!;
    }
    const o = y * width * 4;
    for (let c = 0; c < acc.length; c++) out[o + c] = Math.round(acc[c]! / norm);
  }
  return { width, height, data: out };
}

/** Fit within maxSide (aspect kept, never upscaled) with the area average. */
export function downscaleAreaAverage(image: RgbaImage, maxSide: number): RgbaImage {
  const size = fitWithin(image, maxSide);
  return resizeAreaAverage(image, size.width, size.height);
}
