import { describe, expect, it } from 'vitest';
import {
  CORROBORATED_SCORES,
  InvalidScoreSettingsError,
  UNCORROBORATED_SCORES,
  countingDetections,
  validateScoreSettings,
} from '../../../src/lib/evidence/corroborate';
import { det } from './helpers/placed-detection';

describe('countingDetections', () => {
  it('without witnesses, counts every level from the reference threshold and drops what lies below', () => {
    const boxes = [
      det('cat', [0, 0, 50, 50], 0.66, 1),
      det('cat', [0, 0, 40, 40], 0.6, 1),
      det('kite', [60, 60, 70, 70], 0.7, 3),
    ];
    expect(countingDetections(boxes, UNCORROBORATED_SCORES)).toEqual([boxes[0], boxes[2]]);
  });

  it('keeps a whole-image box at 0.65 but a zoomed one only at 0.85 with a witness in a coarser crop', () => {
    const whole = det('cat', [0, 0, 50, 50], 0.55, 1); // below 0.65: does not count itself, but witnesses
    const zoomedWitnessed = det('cat', [5, 5, 45, 45], 0.9, 2);
    const zoomedAlone = det('kite', [60, 60, 70, 70], 0.95, 3);
    const zoomedWeak = det('cat', [5, 5, 45, 45], 0.8, 3);
    const kept = countingDetections([whole, zoomedWitnessed, zoomedAlone, zoomedWeak], CORROBORATED_SCORES);
    expect(kept).toEqual([zoomedWitnessed]);
  });

  it('takes no witness from the same level, another category, too low a score or a box elsewhere', () => {
    const target = det('dog', [100, 100, 200, 200], 0.9, 3, { cropId: 'z3-r0-c1' });
    const witnesses = [
      det('dog', [100, 100, 200, 200], 0.9, 3, { cropId: 'z3-r0-c2' }), // same zoom level: one texture seen twice
      det('cat', [100, 100, 200, 200], 0.9, 1), // another category
      det('dog', [100, 100, 200, 200], 0.45, 2), // below the witness score
      det('dog', [300, 300, 400, 400], 0.9, 1), // elsewhere
    ];
    for (const w of witnesses)
      expect(countingDetections([w, target], CORROBORATED_SCORES)).not.toContain(target);
    expect(
      countingDetections([det('dog', [90, 90, 190, 190], 0.5, 2), target], CORROBORATED_SCORES),
    ).toContain(target);
  });
});

describe('validateScoreSettings', () => {
  it('accepts the shipped settings and refuses a score the detector never reports or one outside [0, 1]', () => {
    expect(() => validateScoreSettings(UNCORROBORATED_SCORES)).not.toThrow();
    expect(() => validateScoreSettings(CORROBORATED_SCORES)).not.toThrow();
    expect(() => validateScoreSettings({ ...UNCORROBORATED_SCORES, zoomed: 0.3 })).toThrow(
      /no box below 0.5/,
    );
    expect(() => validateScoreSettings({ ...UNCORROBORATED_SCORES, wholeImage: 1.5 })).toThrow(
      InvalidScoreSettingsError,
    );
  });
});
