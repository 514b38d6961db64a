/**
 * Pixels of a planned scene: the background square resampled to the scene size, then each cut-out pasted over
 * it through its polygon mask (the same masks the ground truth comes from), bilinear sampling, light colour
 * jitter. Pure: source pixels come in as RGB rasters of the cut-out rectangles and background squares.
 */
import type { RasterImage } from '../evidence/raster';
import type { Placement } from './layout';
import { pastedMasks } from './layout';
import type { ColourJitter, ScenePlan } from './plan';

/** Source pixels by key: `cutout.key` for a cut-out (its `rect`), `background.key` for a background (its `rect`). */
export type PatchLookup = (key: string) => RasterImage;

/** Copies the pixels of `rect` ([x, y, w, h], clipped to the image) out of an RGB(A) raster, as RGB. */
export function extractPatch(image: RasterImage, rect: readonly number[]): RasterImage {
  const [x0 = 0, y0 = 0, w0 = 0, h0 = 0] = rect;
  const x = Math.max(0, Math.min(image.width - 1, x0));
  const y = Math.max(0, Math.min(image.height - 1, y0));
  const w = Math.max(1, Math.min(image.width - x, w0));
  const h = Math.max(1, Math.min(image.height - y, h0));
  const data = new Uint8Array(w * h * 3);
  const ch = image.channels;
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      const src = ((y + r) * image.width + (x + c)) * ch;
      const dst = (r * w + c) * 3;
      data[dst] = image.data[src]!;
      data[dst + 1] = image.data[src + 1]!;
      data[dst + 2] = image.data[src + 2]!;
    }
  return { width: w, height: h, channels: 3, data };
}

/** Bilinear sample of channel `c` at continuous pixel-centre coordinates (u, v), clamped at the edges. */
function sample(img: RasterImage, u: number, v: number, c: number): number {
  const x = Math.min(Math.max(u, 0), img.width - 1);
  const y = Math.min(Math.max(v, 0), img.height - 1);
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(x0 + 1, img.width - 1);
  const y1 = Math.min(y0 + 1, img.height - 1);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number) => img.data[(yy * img.width + xx) * img.channels + c]!;
  const top = at(x0, y0) * (1 - fx) + at(x1, y0) * fx;
  const bottom = at(x0, y1) * (1 - fx) + at(x1, y1) * fx;
  return top * (1 - fy) + bottom * fy;
}

function applyColour(value: number, c: number, colour: ColourJitter): number {
  const v = ((value - 128) * colour.contrast + 128) * colour.gain[c]!;
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/**
 * Area-averaging before bilinear sampling when shrinking by more than 2× would be better; the scenes only
 * shrink cut-outs moderately (a 48-px cut-out is never made smaller than a few dozen pixels) and enlarge
 * backgrounds, so bilinear alone is used.
 */
export function renderScene(plan: ScenePlan, size: number, patches: PatchLookup): RasterImage {
  const out = new Uint8Array(size * size * 3);
  const bg = patches(plan.background.key);
  const [bx, by, bside] = plan.backgroundCrop;
  const [rx, ry] = plan.background.rect;
  const step = bside / size;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const sx = plan.backgroundFlip ? size - 1 - x : x;
      const u = bx - rx + (sx + 0.5) * step - 0.5;
      const v = by - ry + (y + 0.5) * step - 0.5;
      const o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) out[o + c] = applyColour(sample(bg, u, v, c), c, plan.backgroundColour);
    }
  const masks = pastedMasks(plan.placements, size);
  plan.placements.forEach((p, i) =>
    pasteObject(out, size, p, masks[i]!.data, patches(p.cutout.key), plan.colours[i]!),
  );
  return { width: size, height: size, channels: 3, data: out };
}

function pasteObject(
  out: Uint8Array,
  size: number,
  p: Placement,
  mask: Uint8Array,
  patch: RasterImage,
  colour: ColourJitter,
): void {
  const [, , rw] = p.cutout.rect;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const k = y * size + x;
      if (!mask[k]) continue;
      let u = (x + 0.5 - p.x) / p.scale;
      if (p.flip) u = rw - u;
      const v = (y + 0.5 - p.y) / p.scale;
      for (let c = 0; c < 3; c++) out[k * 3 + c] = applyColour(sample(patch, u - 0.5, v - 0.5, c), c, colour);
    }
}
