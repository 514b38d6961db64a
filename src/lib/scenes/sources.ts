/**
 * What the scenes are made of, read from COCO instances: cut-outs (one annotated instance: its polygons and
 * the box around them) and backgrounds (the largest square of a photo that no annotation touches).
 */
import type { CocoInstanceAnnotation, SourceDataset } from './coco-types';

export interface Cutout {
  /** `dataset:annotationId`, unique across the source folders. */
  readonly key: string;
  readonly dataset: string;
  readonly imageId: number;
  readonly fileName: string;
  readonly annotationId: number;
  readonly categoryId: number;
  /** Integer source rectangle that holds every polygon point: [x, y, w, h]. */
  readonly rect: readonly [number, number, number, number];
  /** Polygons in source-photo pixels. */
  readonly polygons: readonly (readonly number[])[];
}

export interface Background {
  /** `dataset:imageId`: one background per photo, so splitting backgrounds splits photos. */
  readonly key: string;
  readonly dataset: string;
  readonly imageId: number;
  readonly fileName: string;
  /** The empty square in source pixels: [x, y, side, side]. */
  readonly rect: readonly [number, number, number, number];
}

export interface CutoutCriteria {
  /** Both sides of the instance's box at least this many source pixels. */
  readonly minSide: number;
  /** Mask area over box area at least this (drops thin slivers and scattered fragments). */
  readonly minFill: number;
}

export const DEFAULT_CUTOUT_CRITERIA: CutoutCriteria = Object.freeze({ minSide: 48, minFill: 0.3 });

function isPolygonList(s: CocoInstanceAnnotation['segmentation']): s is readonly (readonly number[])[] {
  return Array.isArray(s) && s.every((p) => Array.isArray(p) && p.length >= 6);
}

/** Cut-outs of the given categories (every category when `categoryIds` is omitted), in a stable order. */
export function collectCutouts(
  datasets: readonly SourceDataset[],
  criteria: CutoutCriteria = DEFAULT_CUTOUT_CRITERIA,
  categoryIds?: ReadonlySet<number>,
): Cutout[] {
  const out: Cutout[] = [];
  for (const { name, instances } of datasets) {
    const images = new Map(instances.images.map((i) => [i.id, i]));
    for (const a of instances.annotations) {
      if (a.iscrowd !== 0 || !isPolygonList(a.segmentation)) continue;
      if (categoryIds && !categoryIds.has(a.category_id)) continue;
      const image = images.get(a.image_id);
      if (!image) continue;
      const [, , w = 0, h = 0] = a.bbox;
      if (w < criteria.minSide || h < criteria.minSide) continue;
      const area = a.area ?? polygonsArea(a.segmentation);
      if (area / (w * h) < criteria.minFill) continue;
      out.push({
        key: `${name}:${a.id}`,
        dataset: name,
        imageId: a.image_id,
        fileName: image.file_name,
        annotationId: a.id,
        categoryId: a.category_id,
        rect: polygonRect(a.segmentation, image.width, image.height),
        polygons: a.segmentation.map((p) => [...p]),
      });
    }
  }
  return out.sort((p, q) => (p.key < q.key ? -1 : p.key > q.key ? 1 : 0));
}

function polygonsArea(polygons: readonly (readonly number[])[]): number {
  let total = 0;
  for (const p of polygons) {
    let s = 0;
    const n = p.length / 2;
    for (let i = 0, j = n - 1; i < n; j = i++) s += p[2 * j]! * p[2 * i + 1]! - p[2 * i]! * p[2 * j + 1]!;
    total += Math.abs(s / 2);
  }
  return total;
}

function polygonRect(
  polygons: readonly (readonly number[])[],
  width: number,
  height: number,
): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of polygons)
    for (let i = 0; i + 1 < p.length; i += 2) {
      x0 = Math.min(x0, p[i]!);
      x1 = Math.max(x1, p[i]!);
      y0 = Math.min(y0, p[i + 1]!);
      y1 = Math.max(y1, p[i + 1]!);
    }
  const left = Math.max(0, Math.floor(x0));
  const top = Math.max(0, Math.floor(y0));
  const right = Math.min(width, Math.ceil(x1));
  const bottom = Math.min(height, Math.ceil(y1));
  return [left, top, right - left, bottom - top];
}

/**
 * The largest square of each photo that no annotation's box (crowd regions included) comes within `margin`
 * pixels of, when its side is at least `minSide`. Found on a grid of `cell`-pixel cells with the classic
 * largest-empty-square dynamic programme, so it is exact up to one cell.
 */
export function collectBackgrounds(
  datasets: readonly SourceDataset[],
  minSide = 96,
  margin = 4,
  cell = 4,
): Background[] {
  const out: Background[] = [];
  for (const { name, instances } of datasets) {
    const byImage = new Map<number, CocoInstanceAnnotation[]>();
    for (const a of instances.annotations) {
      const list = byImage.get(a.image_id);
      if (list) list.push(a);
      else byImage.set(a.image_id, [a]);
    }
    for (const image of instances.images) {
      const square = largestEmptySquare(image.width, image.height, byImage.get(image.id) ?? [], margin, cell);
      if (square && square[2] >= minSide)
        out.push({
          key: `${name}:${image.id}`,
          dataset: name,
          imageId: image.id,
          fileName: image.file_name,
          rect: square,
        });
    }
  }
  return out.sort((p, q) => (p.key < q.key ? -1 : p.key > q.key ? 1 : 0));
}

export function largestEmptySquare(
  width: number,
  height: number,
  annotations: readonly CocoInstanceAnnotation[],
  margin: number,
  cell: number,
): [number, number, number, number] | null {
  const cols = Math.floor(width / cell);
  const rows = Math.floor(height / cell);
  if (cols === 0 || rows === 0) return null;
  const blocked = new Uint8Array(cols * rows);
  for (const a of annotations) {
    const [x = 0, y = 0, w = 0, h = 0] = a.bbox;
    const c0 = Math.max(0, Math.floor((x - margin) / cell));
    const c1 = Math.min(cols - 1, Math.floor((x + w + margin) / cell));
    const r0 = Math.max(0, Math.floor((y - margin) / cell));
    const r1 = Math.min(rows - 1, Math.floor((y + h + margin) / cell));
    for (let r = r0; r <= r1; r++) blocked.fill(1, r * cols + c0, r * cols + c1 + 1);
  }
  const dp = new Uint16Array(cols * rows);
  let best = 0;
  let bestAt = -1;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      if (blocked[i]) continue;
      const v = r === 0 || c === 0 ? 1 : 1 + Math.min(dp[i - cols]!, dp[i - 1]!, dp[i - cols - 1]!);
      dp[i] = v;
      if (v > best) {
        best = v;
        bestAt = i;
      }
    }
  if (bestAt < 0) return null;
  const r = Math.floor(bestAt / cols);
  const c = bestAt % cols;
  return [(c - best + 1) * cell, (r - best + 1) * cell, best * cell, best * cell];
}
