/**
 * Axis-aligned boxes in pixel coordinates (x1, y1 inclusive top-left, x2, y2 bottom-right; x grows to the
 * right, y grows downwards), and the overlap measures that merging and the critic share.
 */
export interface Box {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export function boxArea(b: Box): number {
  return Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);
}

export function intersectionArea(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union; 0 for two empty boxes. */
export function iou(a: Box, b: Box): number {
  const inter = intersectionArea(a, b);
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Intersection over the smaller box's area: 1 when one box lies inside the other. Used to recognise a box
 * that a crop cut short as part of the whole object seen at a coarser zoom, where IoU would be small.
 */
export function intersectionOverSmaller(a: Box, b: Box): number {
  const smaller = Math.min(boxArea(a), boxArea(b));
  return smaller > 0 ? intersectionArea(a, b) / smaller : 0;
}

export function clipBox(b: Box, bounds: Box): Box {
  return {
    x1: Math.min(Math.max(b.x1, bounds.x1), bounds.x2),
    y1: Math.min(Math.max(b.y1, bounds.y1), bounds.y2),
    x2: Math.min(Math.max(b.x2, bounds.x1), bounds.x2),
    y2: Math.min(Math.max(b.y2, bounds.y1), bounds.y2),
  };
}

export function boxCenter(b: Box): { x: number; y: number } {
  return { x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2 };
}

/** COCO's [x, y, width, height]. */
export function boxFromXywh(xywh: readonly number[]): Box {
  const [x = 0, y = 0, w = 0, h = 0] = xywh;
  return { x1: x, y1: y, x2: x + w, y2: y + h };
}

/** Florence-2's and our prompts' [x1, y1, x2, y2]. */
export function boxFromCorners(corners: readonly number[]): Box {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = corners;
  return { x1, y1, x2, y2 };
}

export function boxToCorners(b: Box, digits = 0): [number, number, number, number] {
  const f = 10 ** digits;
  const r = (v: number): number => Math.round(v * f) / f;
  return [r(b.x1), r(b.y1), r(b.x2), r(b.y2)];
}
