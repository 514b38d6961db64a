/**
 * Which detector boxes count as evidence, by zoom level. Zoomed-in crops raise recall but invent objects (on
 * COCO photos the whole image alone names categories with precision 0.79, whole + 2×2 + 3×3 with 0.43: textures
 * seen up close become birds and kites). So a zoomed box can be made to need a higher score and a witness: a box
 * of the same category in a coarser crop, at a lower score, overlapping it (the parent crop saw something there
 * too). The studio's detector runs at DETECTOR_SCORE_FLOOR so that such witnesses exist; boxes below a level's
 * threshold never count themselves.
 */
import type { Box } from './boxes';
import { intersectionOverSmaller } from './boxes';
import type { PlacedDetection } from './merge';

/** The score down to which the studio's detector reports boxes: no box below it is seen at all, witnesses included. */
export const DETECTOR_SCORE_FLOOR = 0.5;

export interface DetectionScoreSettings {
  /** A box on the whole image counts from this score. */
  readonly wholeImage: number;
  /** A box in a zoomed-in crop counts from this score… */
  readonly zoomed: number;
  /** …and, when set, only with a witness: same category, coarser crop, score ≥ `score`, overlapping ≥ `overlap`. */
  readonly witness: { readonly score: number; readonly overlap: number } | null;
}

/** Every level alike at the detector's reference threshold (FastestDet keeps score > 0.65): no witness needed. */
export const UNCORROBORATED_SCORES: DetectionScoreSettings = Object.freeze({
  wholeImage: 0.65,
  zoomed: 0.65,
  witness: null,
});

/**
 * Zoomed boxes need a score of 0.85 and a witness at 0.5 in a coarser crop. Chosen on coco-train-311 (the
 * precision/recall frontier of whole-image threshold × zoomed threshold × witness score; docs/measurements.md).
 */
export const CORROBORATED_SCORES: DetectionScoreSettings = Object.freeze({
  wholeImage: 0.65,
  zoomed: 0.85,
  witness: Object.freeze({ score: 0.5, overlap: 0.3 }),
});

export class InvalidScoreSettingsError extends Error {
  override readonly name = 'InvalidScoreSettingsError';
}

export function validateScoreSettings(s: DetectionScoreSettings): void {
  const inUnit = (v: number) => Number.isFinite(v) && v >= 0 && v <= 1;
  const levels = [s.wholeImage, s.zoomed, ...(s.witness ? [s.witness.score, s.witness.overlap] : [])];
  if (!levels.every(inUnit))
    throw new InvalidScoreSettingsError('Detection scores and overlaps lie in [0, 1].');
  const lowest = Math.min(s.wholeImage, s.zoomed, s.witness?.score ?? 1);
  if (lowest < DETECTOR_SCORE_FLOOR)
    throw new InvalidScoreSettingsError(
      `A score of ${lowest} cannot count: the detector reports no box below ${DETECTOR_SCORE_FLOOR}.`,
    );
}

const witnesses = (
  d: PlacedDetection,
  all: readonly PlacedDetection[],
  w: { score: number; overlap: number },
) =>
  all.some(
    (e) =>
      e.label === d.label &&
      e.zoom < d.zoom &&
      e.score >= w.score &&
      intersectionOverSmaller(e.box as Box, d.box as Box) >= w.overlap,
  );

/** The boxes that count, in their order; `detections` are every box above the floor from every crop of one image. */
export function countingDetections(
  detections: readonly PlacedDetection[],
  s: DetectionScoreSettings,
): PlacedDetection[] {
  return detections.filter((d) => {
    if (d.zoom === 1) return d.score >= s.wholeImage;
    if (d.score < s.zoomed) return false;
    return s.witness === null || witnesses(d, detections, s.witness);
  });
}
