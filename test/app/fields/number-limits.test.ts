import { describe, expect, it } from 'vitest';
import { acceptsNumber } from '../../../src/app/fields/number-limits';

describe('which typed numbers a number field passes on', () => {
  it('ignores an emptied box whatever the limits', () => {
    expect(acceptsNumber(Number.NaN, {})).toBe(false);
    expect(acceptsNumber(Number.NaN, { withinLimits: true, min: 0, max: 1 })).toBe(false);
  });

  it('takes any finite number without limits asked for', () => {
    expect([acceptsNumber(-3.5, { min: 0, max: 1 }), acceptsNumber(Infinity, {})]).toEqual([true, false]);
  });

  it('takes fractions within [min, max] with withinLimits (the teacher overlap: 0 to 0.85)', () => {
    const overlap = { withinLimits: true, min: 0, max: 0.85 };
    expect([0, 0.05, 0.4, 0.85].map((v) => acceptsNumber(v, overlap))).toEqual([true, true, true, true]);
    expect([-0.05, 0.9, 1].map((v) => acceptsNumber(v, overlap))).toEqual([false, false, false]);
  });

  it('takes only whole numbers within [min, max] with wholeWithinLimits', () => {
    const steps = { wholeWithinLimits: true, min: 1, max: 10 };
    expect([1, 10, 0, 11, 2.5].map((v) => acceptsNumber(v, steps))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
