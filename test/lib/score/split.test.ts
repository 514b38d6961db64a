import { describe, expect, it } from 'vitest';
import { DEFAULT_COMPLEXITY_THRESHOLD, splitByComplexity } from '../../../src/lib/score/split';

describe('splitByComplexity', () => {
  it('averages a metric over simple (≤ threshold objects) and complex images', () => {
    const r = splitByComplexity(
      [
        { objectCount: 1, value: 0.9 }, // stop sign
        { objectCount: 3, value: 0.7 },
        { objectCount: 14, value: 0.4 }, // living room
        { objectCount: 5, value: 0.6 },
      ],
      3,
    );
    expect(r.simple).toEqual({ mean: 0.8, count: 2 });
    expect(r.complex.count).toBe(2);
    expect(r.complex.mean).toBeCloseTo(0.5, 12);
    expect(r.all.mean).toBeCloseTo(0.65, 12);
    expect(r.threshold).toBe(3);
  });

  it('reports an empty side as null and uses threshold 3 by default', () => {
    const r = splitByComplexity([{ objectCount: 0, value: 1 }]);
    expect(r.threshold).toBe(DEFAULT_COMPLEXITY_THRESHOLD);
    expect(r.complex).toEqual({ mean: null, count: 0 });
  });
});
