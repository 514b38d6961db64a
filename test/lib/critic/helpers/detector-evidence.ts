import type { Evidence } from '../../../../src/lib/evidence/evidence';

/**
 * A 100×100 image whose evidence is these detector objects alone, side by side, each seen whole on the whole
 * image with score 0.8 (so each is salient: the rules would call it an omission if the caption left it out).
 */
export function detectorEvidence(...labels: string[]): Evidence {
  return {
    imageWidth: 100,
    imageHeight: 100,
    objects: labels.map((label, i) => ({
      label,
      box: { x1: 20 * i, y1: 10, x2: 20 * i + 40, y2: 60 },
      score: 0.8,
      zoomLevels: [1],
      sources: ['fastestdet'],
      cropIds: ['z1-r0-c0'],
      support: 1,
      whole: true,
      isCoco: true,
    })),
    detections: [],
    regions: [],
    detailedCaption: null,
    detailedCaptionCategories: [],
    grounding: null,
  };
}
