/**
 * Where each cut-out lands and what of it stays visible. Objects are pasted in order, each over the ones before
 * it; an object's visible mask is the pixels where it is the top one, and its ground-truth box is that mask's
 * bounding box. Masks come from the polygons alone, so the layout (and the ground truth) needs no pixels.
 */
import type { Mask } from './polygon-fill';
import { emptyMask, fillPolygons, maskArea, maskBounds } from './polygon-fill';
import type { Cutout } from './sources';

export interface Placement {
  readonly cutout: Cutout;
  /** Top-left of the scaled cut-out rectangle in scene pixels. */
  readonly x: number;
  readonly y: number;
  /** Scene pixels per source pixel. */
  readonly scale: number;
  readonly flip: boolean;
}

export interface VisibleObject {
  readonly categoryId: number;
  /** Pixels where this object is on top. */
  readonly mask: Mask;
  /** Bounding box [x, y, w, h] of `mask`. */
  readonly bbox: [number, number, number, number];
  readonly area: number;
  /** Pixels of the whole pasted object, hidden parts included. */
  readonly pastedArea: number;
}

/** Polygons of a placed cut-out in scene pixels. */
export function placedPolygons(p: Placement): number[][] {
  const [rx, ry, rw] = p.cutout.rect;
  return p.cutout.polygons.map((poly) => {
    const out: number[] = [];
    for (let i = 0; i + 1 < poly.length; i += 2) {
      let dx = (poly[i]! - rx) * p.scale;
      if (p.flip) dx = rw * p.scale - dx;
      out.push(p.x + dx, p.y + (poly[i + 1]! - ry) * p.scale);
    }
    return out;
  });
}

/** Full (unoccluded) mask of each placement, in scene pixels. */
export function pastedMasks(placements: readonly Placement[], size: number): Mask[] {
  return placements.map((p) => fillPolygons(emptyMask(size, size), placedPolygons(p)));
}

/** Index of the top object at each pixel (-1: background). */
export function topLabels(masks: readonly Mask[], size: number): Int16Array {
  const labels = new Int16Array(size * size).fill(-1);
  masks.forEach((m, i) => {
    for (let k = 0; k < m.data.length; k++) if (m.data[k]) labels[k] = i;
  });
  return labels;
}

/** Visible part of each placement; objects with no visible pixel come back with a null box (callers drop them). */
export function visibleObjects(
  placements: readonly Placement[],
  size: number,
): Array<VisibleObject | { readonly categoryId: number; readonly bbox: null; readonly pastedArea: number }> {
  const masks = pastedMasks(placements, size);
  const labels = topLabels(masks, size);
  return placements.map((p, i) => {
    const mask = emptyMask(size, size);
    for (let k = 0; k < labels.length; k++) if (labels[k] === i) mask.data[k] = 1;
    const bbox = maskBounds(mask);
    const pastedArea = maskArea(masks[i]!);
    if (bbox === null) return { categoryId: p.cutout.categoryId, bbox: null, pastedArea };
    return { categoryId: p.cutout.categoryId, mask, bbox, area: maskArea(mask), pastedArea };
  });
}
