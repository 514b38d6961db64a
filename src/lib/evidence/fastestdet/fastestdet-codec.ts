/**
 * FastestDet's pre- and post-processing, exactly as its reference runtime does them
 * (dog-qiuqiu/FastestDet; the committed model and these facts: public/models/fastestdet/README.md):
 * - input `input.1`: float32 [1, 3, 352, 352], the image resized to 352×352 (bilinear, OpenCV's
 *   INTER_LINEAR pixel-centre convention), channels BGR, values / 255;
 * - output `758`: float32 [1, 85, 22, 22]; per cell: 0 objectness, 1–2 centre offsets (tanh; centre =
 *   (cell + offset) / 22), 3–4 width/height (sigmoid; fraction of the input), 5–84 class scores;
 * - score = objectness^0.6 · (max class score)^0.4, kept when > 0.65, then class-wise NMS at IoU 0.45.
 */
import type { Box } from '../boxes';
import { classWiseNms } from '../merge';
import type { PixelRegion, RasterImage } from '../raster';

export const FASTESTDET_INPUT_SIZE = 352;
export const FASTESTDET_GRID = 22;
export const FASTESTDET_CHANNELS = 85;
export const FASTESTDET_INPUT_NAME = 'input.1';
export const FASTESTDET_OUTPUT_NAME = '758';

export interface DecodeSettings {
  readonly scoreThreshold: number;
  readonly nmsIou: number;
}

export const FASTESTDET_DECODE_DEFAULTS: DecodeSettings = Object.freeze({
  scoreThreshold: 0.65,
  nmsIou: 0.45,
});

/**
 * Writes one [3, 352, 352] BGR plane set for `region` of `image` into `out` at `offset`. Sampling stays
 * inside the region (edge pixels repeat), as if the region had been cut out first and then resized.
 */
export function writeFastestDetInput(
  image: RasterImage,
  region: PixelRegion,
  out: Float32Array,
  offset = 0,
  size = FASTESTDET_INPUT_SIZE,
): void {
  const plane = size * size;
  const { data, channels, width } = image;
  const xs = axisTaps(region.width, size);
  const ys = axisTaps(region.height, size);
  for (let dy = 0; dy < size; dy++) {
    const ty = ys[dy]!;
    const row0 = (region.y + ty.i0) * width;
    const row1 = (region.y + ty.i1) * width;
    for (let dx = 0; dx < size; dx++) {
      const tx = xs[dx]!;
      const p00 = (row0 + region.x + tx.i0) * channels;
      const p01 = (row0 + region.x + tx.i1) * channels;
      const p10 = (row1 + region.x + tx.i0) * channels;
      const p11 = (row1 + region.x + tx.i1) * channels;
      const o = offset + dy * size + dx;
      for (let c = 0; c < 3; c++) {
        const top = data[p00 + c]! * (1 - tx.w) + data[p01 + c]! * tx.w;
        const bottom = data[p10 + c]! * (1 - tx.w) + data[p11 + c]! * tx.w;
        // RGB source channel c goes to BGR plane 2 − c.
        out[o + (2 - c) * plane] = (top * (1 - ty.w) + bottom * ty.w) / 255;
      }
    }
  }
}

interface Tap {
  readonly i0: number;
  readonly i1: number;
  readonly w: number;
}

/** OpenCV INTER_LINEAR: src = (dst + 0.5)·scale − 0.5, clamped to the source's first and last pixel. */
function axisTaps(srcSize: number, dstSize: number): Tap[] {
  const scale = srcSize / dstSize;
  const taps: Tap[] = [];
  for (let d = 0; d < dstSize; d++) {
    const f = (d + 0.5) * scale - 0.5;
    let i0 = Math.floor(f);
    let w = f - i0;
    if (i0 < 0) {
      i0 = 0;
      w = 0;
    }
    if (i0 >= srcSize - 1) {
      i0 = srcSize - 1;
      w = 0;
    }
    taps.push({ i0, i1: Math.min(i0 + 1, srcSize - 1), w });
  }
  return taps;
}

export interface RawDetection {
  /** Index into the class names. */
  readonly classIndex: number;
  readonly score: number;
  /** Fractions of the input (0..1, may stick out slightly before clipping). */
  readonly box: Box;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * Decodes one image's [85, 22, 22] output (channel-major, as the model writes it) starting at `offset`.
 */
export function decodeFastestDet(
  output: Float32Array,
  offset = 0,
  settings: DecodeSettings = FASTESTDET_DECODE_DEFAULTS,
  grid = FASTESTDET_GRID,
): RawDetection[] {
  const cells = grid * grid;
  const classes = FASTESTDET_CHANNELS - 5;
  const found: Array<RawDetection & { label: string }> = [];
  for (let cell = 0; cell < cells; cell++) {
    const at = (channel: number): number => output[offset + channel * cells + cell]!;
    const objectness = at(0);
    let best = -Infinity;
    let classIndex = 0;
    for (let k = 0; k < classes; k++) {
      const v = at(5 + k);
      if (v > best) {
        best = v;
        classIndex = k;
      }
    }
    const score = Math.max(objectness, 0) ** 0.6 * Math.max(best, 0) ** 0.4;
    if (!(score > settings.scoreThreshold)) continue;
    const gx = cell % grid;
    const gy = Math.floor(cell / grid);
    const cx = (gx + Math.tanh(at(1))) / grid;
    const cy = (gy + Math.tanh(at(2))) / grid;
    const w = sigmoid(at(3));
    const h = sigmoid(at(4));
    found.push({
      classIndex,
      label: String(classIndex),
      score,
      box: { x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2 },
    });
  }
  return classWiseNms(found, settings.nmsIou).map(({ classIndex, score, box }) => ({
    classIndex,
    score,
    box,
  }));
}
