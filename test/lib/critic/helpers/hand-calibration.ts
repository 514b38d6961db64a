import type { EvidenceCalibration } from '../../../../src/lib/critic/calibration';

/**
 * A hand-made calibration table: the evidence sees every person and every dog it is shown (recall 0.95, 0.90),
 * misses most cups (0.20), and reports cakes that are never there.
 */
export const HAND_CALIBRATION: EvidenceCalibration = {
  measuredOn: 'hand-made',
  images: 60,
  categories: {
    person: { present: 20, named: 19, salient: 20, salientRight: 19 },
    dog: { present: 20, named: 18, salient: 18, salientRight: 17 },
    cup: { present: 20, named: 4, salient: 4, salientRight: 4 },
    cake: { present: 0, named: 0, salient: 15, salientRight: 0 },
  },
};
