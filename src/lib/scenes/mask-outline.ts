/**
 * A binary mask's outline as COCO polygons: the boundary between set and unset pixels, traced along pixel edges
 * into closed loops, collinear points dropped. Only outer loops are returned (COCO polygons cannot express holes;
 * a hole — an object visible around a smaller one in front of it — is rare here and its pixels stay in the
 * polygon; the box and the area come from the mask itself, so they stay exact).
 */
import type { Mask } from './polygon-fill';

/** Flat [x0, y0, x1, y1, …] polygons in pixel-corner coordinates, one per outer boundary loop. */
export function maskToPolygons(mask: Mask): number[][] {
  const { width: W, height: H, data } = mask;
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < W && y < H && data[y * W + x] === 1;
  // Directed boundary edges with the set pixel on their right (clockwise outer loops in image coordinates,
  // y down), keyed by start vertex. A vertex can start two edges (pixels touching at a corner): a list each.
  const next = new Map<number, number[]>();
  const key = (x: number, y: number) => y * (W + 1) + x;
  const add = (x0: number, y0: number, x1: number, y1: number) => {
    const k = key(x0, y0);
    const list = next.get(k);
    if (list) list.push(key(x1, y1));
    else next.set(k, [key(x1, y1)]);
  };
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      if (!inside(x, y)) continue;
      if (!inside(x, y - 1)) add(x, y, x + 1, y);
      if (!inside(x + 1, y)) add(x + 1, y, x + 1, y + 1);
      if (!inside(x, y + 1)) add(x + 1, y + 1, x, y + 1);
      if (!inside(x - 1, y)) add(x, y + 1, x, y);
    }
  const loops: number[][] = [];
  const starts = [...next.keys()].sort((a, b) => a - b);
  for (const start of starts) {
    while ((next.get(start)?.length ?? 0) > 0) {
      const points: number[] = [];
      let at = start;
      do {
        points.push(at % (W + 1), Math.floor(at / (W + 1)));
        const list = next.get(at)!;
        at = list.shift()!;
      } while (at !== start);
      const simplified = dropCollinear(points);
      if (signedArea(simplified) > 0) loops.push(simplified);
    }
  }
  return loops;
}

function dropCollinear(flat: readonly number[]): number[] {
  const n = flat.length / 2;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = (i + n - 1) % n;
    const q = (i + 1) % n;
    const cross =
      (flat[2 * i]! - flat[2 * p]!) * (flat[2 * q + 1]! - flat[2 * i + 1]!) -
      (flat[2 * i + 1]! - flat[2 * p + 1]!) * (flat[2 * q]! - flat[2 * i]!);
    if (cross !== 0) out.push(flat[2 * i]!, flat[2 * i + 1]!);
  }
  return out;
}

/** Shoelace area; positive for the clockwise (in y-down coordinates) outer loops traced above. */
export function signedArea(flat: readonly number[]): number {
  let s = 0;
  const n = flat.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++)
    s += flat[2 * j]! * flat[2 * i + 1]! - flat[2 * i]! * flat[2 * j + 1]!;
  return s / 2;
}
