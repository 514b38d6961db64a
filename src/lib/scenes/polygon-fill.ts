/**
 * Scanline rasterisation of COCO polygons into a binary mask.
 *
 * Written here rather than taken from a package: the npm rasterisers either draw onto a canvas (a DOM API that
 * src/lib may not use, and whose anti-aliasing differs between browsers, so masks would not be reproducible) or
 * are unmaintained ports of pycocotools' RLE code. A pixel is inside when its centre is inside the polygon by the
 * even-odd rule, the rule pycocotools applies to one polygon, so the masks match COCO's own rasterisation up to
 * how pixel centres on an edge are decided.
 */

/** A binary mask, row-major, 1 = inside. */
export interface Mask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function emptyMask(width: number, height: number): Mask {
  return { width, height, data: new Uint8Array(width * height) };
}

/**
 * Fills every polygon (flat [x0, y0, x1, y1, …] in pixel coordinates) into `mask`, union of the polygons, each by
 * the even-odd rule. Coordinates outside the mask are clipped.
 */
export function fillPolygons(mask: Mask, polygons: readonly (readonly number[])[]): Mask {
  for (const polygon of polygons) fillPolygon(mask, polygon);
  return mask;
}

function fillPolygon(mask: Mask, flat: readonly number[]): void {
  const n = Math.floor(flat.length / 2);
  if (n < 3) return;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minY = Math.min(minY, flat[2 * i + 1]!);
    maxY = Math.max(maxY, flat[2 * i + 1]!);
  }
  const rowStart = Math.max(0, Math.ceil(minY - 0.5));
  const rowEnd = Math.min(mask.height - 1, Math.floor(maxY - 0.5));
  const crossings: number[] = [];
  for (let row = rowStart; row <= rowEnd; row++) {
    const y = row + 0.5;
    crossings.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const yi = flat[2 * i + 1]!;
      const yj = flat[2 * j + 1]!;
      // Half-open on y so that a vertex shared by two edges is counted once.
      if (yi > y !== yj > y) {
        const xi = flat[2 * i]!;
        const xj = flat[2 * j]!;
        crossings.push(xi + ((y - yi) / (yj - yi)) * (xj - xi));
      }
    }
    crossings.sort((a, b) => a - b);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      // Pixels whose centre x + 0.5 lies in [left, right).
      const from = Math.max(0, Math.ceil(crossings[k]! - 0.5));
      const to = Math.min(mask.width - 1, Math.ceil(crossings[k + 1]! - 0.5) - 1);
      const base = row * mask.width;
      for (let col = from; col <= to; col++) mask.data[base + col] = 1;
    }
  }
}

/** Bounding box [x, y, w, h] of the set pixels, or null when none is set. */
export function maskBounds(mask: Mask): [number, number, number, number] | null {
  let x0 = mask.width;
  let y0 = mask.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < mask.height; y++) {
    const base = y * mask.width;
    for (let x = 0; x < mask.width; x++) {
      if (mask.data[base + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  return x1 < 0 ? null : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

export function maskArea(mask: Mask): number {
  let n = 0;
  for (const v of mask.data) n += v;
  return n;
}
