/**
 * Sliding-window crops at several zoom levels. Zoom level n is an n×n grid of windows with the image's
 * aspect ratio; neighbouring windows overlap by a fraction of a window, so an object cut by one window's
 * edge is whole in its neighbour (or at a coarser zoom). Zoom 1 is the whole image.
 */
import type { Box } from './boxes';
import { clipBox } from './boxes';

export interface CropSettings {
  /** Grid sizes, one zoom level each; 1 is the whole image. */
  readonly grids: readonly number[];
  /** Overlap between neighbouring windows, as a fraction of one window's width or height. */
  readonly overlap: number;
}

export const DEFAULT_CROP_SETTINGS: CropSettings = Object.freeze({
  grids: Object.freeze([1, 2, 3]),
  overlap: 0.25,
});

export interface Crop {
  /** Stable id, part of cache keys: `z{grid}-r{row}-c{col}`. */
  readonly id: string;
  /** The grid size this window belongs to (1 = whole image). */
  readonly zoom: number;
  readonly row: number;
  readonly col: number;
  /** Integer pixel window in image coordinates; x + width ≤ image width. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export class InvalidCropSettingsError extends Error {
  override readonly name = 'InvalidCropSettingsError';
}

export function validateCropSettings(settings: CropSettings): void {
  if (settings.grids.length === 0) throw new InvalidCropSettingsError('At least one zoom level is needed.');
  const seen = new Set<number>();
  for (const g of settings.grids) {
    if (!Number.isInteger(g) || g < 1 || g > 8) {
      throw new InvalidCropSettingsError(`Grid size ${g} is not an integer between 1 and 8.`);
    }
    if (seen.has(g)) throw new InvalidCropSettingsError(`Grid size ${g} is listed twice.`);
    seen.add(g);
  }
  if (!(settings.overlap >= 0 && settings.overlap < 0.9)) {
    throw new InvalidCropSettingsError(`Overlap ${settings.overlap} is outside [0, 0.9).`);
  }
}

/**
 * Start offsets and length of n windows of equal length covering `size` with the given overlap:
 * length = size / (n − (n − 1)·overlap), stride = length·(1 − overlap). Rounded to whole pixels; the last
 * window ends exactly at `size`.
 */
function windows1d(size: number, n: number, overlap: number): Array<{ start: number; length: number }> {
  const length = size / (n - (n - 1) * overlap);
  const stride = length * (1 - overlap);
  const out: Array<{ start: number; length: number }> = [];
  for (let i = 0; i < n; i++) {
    const start = Math.round(i * stride);
    const end = i === n - 1 ? size : Math.min(size, Math.round(i * stride + length));
    out.push({ start, length: Math.max(1, end - start) });
  }
  return out;
}

/** All windows of all zoom levels, coarsest first, row-major within a level. */
export function planCrops(
  imageWidth: number,
  imageHeight: number,
  settings: CropSettings = DEFAULT_CROP_SETTINGS,
): Crop[] {
  validateCropSettings(settings);
  if (!(imageWidth >= 1 && imageHeight >= 1)) {
    throw new InvalidCropSettingsError(`Image size ${imageWidth}×${imageHeight} is empty.`);
  }
  const crops: Crop[] = [];
  for (const n of [...settings.grids].sort((a, b) => a - b)) {
    const cols = windows1d(imageWidth, n, settings.overlap);
    const rows = windows1d(imageHeight, n, settings.overlap);
    rows.forEach((r, row) =>
      cols.forEach((c, col) =>
        crops.push({
          id: `z${n}-r${row}-c${col}`,
          zoom: n,
          row,
          col,
          x: c.start,
          y: r.start,
          width: c.length,
          height: r.length,
        }),
      ),
    );
  }
  return crops;
}

export function cropBounds(crop: Crop): Box {
  return { x1: crop.x, y1: crop.y, x2: crop.x + crop.width, y2: crop.y + crop.height };
}

/** A box given as fractions of the crop (0..1) mapped to image pixels, clipped to the crop. */
export function mapNormalizedBoxToImage(box: Box, crop: Crop): Box {
  return clipBox(
    {
      x1: crop.x + box.x1 * crop.width,
      y1: crop.y + box.y1 * crop.height,
      x2: crop.x + box.x2 * crop.width,
      y2: crop.y + box.y2 * crop.height,
    },
    cropBounds(crop),
  );
}

/** A box in the crop's own pixel coordinates (as Florence-2 reports for a cropped image) mapped to the image. */
export function mapCropPixelBoxToImage(box: Box, crop: Crop): Box {
  return clipBox(
    { x1: crop.x + box.x1, y1: crop.y + box.y1, x2: crop.x + box.x2, y2: crop.y + box.y2 },
    cropBounds(crop),
  );
}

/**
 * Whether a box (image pixels) touches one of the crop's inner edges, the edges that are not also the
 * image's border: there the crop may have cut the object short. `margin` is a fraction of the crop's size.
 */
export function isCutByCrop(
  box: Box,
  crop: Crop,
  imageWidth: number,
  imageHeight: number,
  margin = 0.02,
): boolean {
  const mx = margin * crop.width;
  const my = margin * crop.height;
  const right = crop.x + crop.width;
  const bottom = crop.y + crop.height;
  return (
    (crop.x > 0 && box.x1 <= crop.x + mx) ||
    (crop.y > 0 && box.y1 <= crop.y + my) ||
    (right < imageWidth && box.x2 >= right - mx) ||
    (bottom < imageHeight && box.y2 >= bottom - my)
  );
}
