/**
 * Merging detections from many crops, zoom levels and sources into one list of objects. Class-wise: only
 * boxes of the same label merge, in three ways:
 * - same extent: IoU ≥ `iouThreshold`;
 * - cut by a crop: one box touches an inner crop edge and the smaller box lies mostly inside the other
 *   (intersection over the smaller ≥ `cutOverlapThreshold`); a crop that halves a cat reports half a cat,
 *   whose IoU with the whole cat is small;
 * - a part seen up close: a box from a finer zoom lies inside (intersection over the smaller ≥
 *   `partOverlapThreshold`) an object seen at a coarser zoom; zoomed in, the detector calls a cat's head and
 *   paws "cat". This is SAHI's intersection-over-smaller merge restricted to finer-inside-coarser; its price
 *   is that a small object of the same class in front of a large one is absorbed (set it to 1 to turn it off).
 * Only same-extent members shape a merged box; cut boxes and parts only add their zoom level, source and
 * crop to the object, which remembers all of them.
 */
import type { Box } from './boxes';
import { boxArea, intersectionOverSmaller, iou } from './boxes';

export interface PlacedDetection {
  /** COCO category name where the label maps to one; otherwise the source's own label. */
  readonly label: string;
  /** Image pixels. */
  readonly box: Box;
  readonly score: number;
  /** Grid size of the crop (1 = whole image). */
  readonly zoom: number;
  readonly cropId: string;
  /** Which model saw it, e.g. 'fastestdet' or 'florence-od'. */
  readonly source: string;
  /** Whether the box touches an inner edge of its crop (see isCutByCrop). */
  readonly cut: boolean;
}

export interface MergedObject {
  readonly label: string;
  readonly box: Box;
  readonly score: number;
  /** Sorted, distinct. */
  readonly zoomLevels: readonly number[];
  readonly sources: readonly string[];
  readonly cropIds: readonly string[];
  /** How many detections were merged into this object. */
  readonly support: number;
  /** Whether some crop saw it whole (not cut by an inner crop edge): only whole objects are counted. */
  readonly whole: boolean;
}

export type MergeMethod = 'nms' | 'wbf';

export interface MergeSettings {
  /**
   * 'wbf' (weighted box fusion): the score-weighted mean of the group's whole boxes, scored by the mean
   * score; 'nms': the group's anchor box (uncut, coarsest zoom, best score first), scored by the best score.
   */
  readonly method: MergeMethod;
  readonly iouThreshold: number;
  readonly cutOverlapThreshold: number;
  readonly partOverlapThreshold: number;
}

export const DEFAULT_MERGE_SETTINGS: MergeSettings = Object.freeze({
  method: 'wbf',
  iouThreshold: 0.5,
  cutOverlapThreshold: 0.5,
  partOverlapThreshold: 0.85,
});

type Role = 'extent' | 'cut' | 'part';

interface Member {
  readonly detection: PlacedDetection;
  readonly role: Role;
}

interface Group {
  readonly members: Member[];
  /** The box new members are compared with: the keeper's (NMS) or the running fused box (WBF). */
  box: Box;
  /** Whether any member is a whole, uncut view of the object. */
  whole: boolean;
  coarsestZoom: number;
}

function match(g: Group, d: PlacedDetection, s: MergeSettings): { role: Role; strength: number } | null {
  const overlap = iou(g.box, d.box);
  if (overlap >= s.iouThreshold) return { role: d.cut ? 'cut' : 'extent', strength: 2 + overlap };
  const inside = intersectionOverSmaller(g.box, d.box);
  if ((d.cut || !g.whole) && inside >= s.cutOverlapThreshold) return { role: 'cut', strength: 1 + inside };
  if (d.zoom > g.coarsestZoom && boxArea(d.box) < boxArea(g.box) && inside >= s.partOverlapThreshold) {
    return { role: 'part', strength: inside };
  }
  return null;
}

/** Score-weighted mean of the members that define the extent (all members' when none does). */
function fusedBox(members: readonly Member[]): Box {
  const extent = members.filter((m) => m.role === 'extent');
  const use = (extent.length > 0 ? extent : members).map((m) => m.detection);
  let w = 0;
  let x1 = 0;
  let y1 = 0;
  let x2 = 0;
  let y2 = 0;
  for (const m of use) {
    const s = Math.max(m.score, 1e-6);
    w += s;
    x1 += s * m.box.x1;
    y1 += s * m.box.y1;
    x2 += s * m.box.x2;
    y2 += s * m.box.y2;
  }
  return { x1: x1 / w, y1: y1 / w, x2: x2 / w, y2: y2 / w };
}

function distinctSorted<T>(values: Iterable<T>, compare?: (a: T, b: T) => number): T[] {
  return [...new Set(values)].sort(compare);
}

/**
 * Greedy grouping. Uncut boxes come first (a cut box never decides an object's extent when an uncut one
 * exists), then coarser zooms (a whole object seen from afar is the anchor its close-up parts join), then
 * higher scores; each box joins the best-matching group of its label or starts one. Output is ordered by
 * descending score.
 */
export function mergeDetections(
  detections: readonly PlacedDetection[],
  settings: MergeSettings = DEFAULT_MERGE_SETTINGS,
): MergedObject[] {
  const order = detections
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        Number(a.d.cut) - Number(b.d.cut) || a.d.zoom - b.d.zoom || b.d.score - a.d.score || a.i - b.i,
    )
    .map(({ d }) => d);
  const groupsByLabel = new Map<string, Group[]>();
  for (const d of order) {
    const groups = groupsByLabel.get(d.label) ?? [];
    groupsByLabel.set(d.label, groups);
    let best: { group: Group; role: Role; strength: number } | undefined;
    for (const group of groups) {
      const m = match(group, d, settings);
      if (m && (!best || m.strength > best.strength)) best = { group, ...m };
    }
    if (best) {
      const g = best.group;
      g.members.push({ detection: d, role: best.role });
      g.whole ||= !d.cut;
      g.coarsestZoom = Math.min(g.coarsestZoom, d.zoom);
      if (settings.method === 'wbf') g.box = fusedBox(g.members);
    } else {
      groups.push({
        members: [{ detection: d, role: d.cut ? 'cut' : 'extent' }],
        box: d.box,
        whole: !d.cut,
        coarsestZoom: d.zoom,
      });
    }
  }
  const merged: MergedObject[] = [];
  for (const [label, groups] of groupsByLabel) {
    for (const g of groups) {
      const all = g.members.map((m) => m.detection);
      const scores = all.map((m) => m.score);
      const score =
        settings.method === 'nms' ? Math.max(...scores) : scores.reduce((a, b) => a + b, 0) / scores.length;
      merged.push({
        label,
        box: g.box,
        score,
        whole: g.whole,
        zoomLevels: distinctSorted(
          all.map((m) => m.zoom),
          (a, b) => a - b,
        ),
        sources: distinctSorted(all.map((m) => m.source)),
        cropIds: distinctSorted(all.map((m) => m.cropId)),
        support: all.length,
      });
    }
  }
  return merged.sort((a, b) => b.score - a.score || a.label.localeCompare(b.label));
}

/**
 * Plain class-wise non-maximum suppression, as the detectors' reference code applies within one image:
 * a box is dropped when its IoU with a better-scoring box of the same class exceeds `iouThreshold`.
 */
export function classWiseNms<T extends { label: string; box: Box; score: number }>(
  items: readonly T[],
  iouThreshold: number,
): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const item of sorted) {
    if (!kept.some((k) => k.label === item.label && iou(k.box, item.box) > iouThreshold)) kept.push(item);
  }
  return kept;
}
