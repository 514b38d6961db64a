import type { PlacedDetection } from '../../../../src/lib/evidence/merge';

/** A FastestDet box in image pixels [x1, y1, x2, y2], from crop `z{zoom}-r0-c0` unless `extra` says otherwise. */
export function det(
  label: string,
  box: [number, number, number, number],
  score: number,
  zoom: number,
  extra: Partial<PlacedDetection> = {},
): PlacedDetection {
  const [x1, y1, x2, y2] = box;
  return {
    label,
    box: { x1, y1, x2, y2 },
    score,
    zoom,
    cropId: `z${zoom}-r0-c0`,
    source: 'fastestdet',
    cut: false,
    ...extra,
  };
}
