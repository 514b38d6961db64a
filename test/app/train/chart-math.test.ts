import { describe, expect, it } from 'vitest';
import { extent, formatValue, linearScale, linePath, smooth, ticks } from '../../../src/app/train/chart-math';

describe('chart arithmetic', () => {
  it('smooths with a bias-corrected moving average', () => {
    expect(smooth([4, 4, 4], 0.9)).toEqual([4, 4, 4].map((v) => expect.closeTo(v, 12)));
    const s = smooth([10, 0], 0.5);
    expect(s[0]).toBeCloseTo(10, 12);
    // (0.5·5 + 0.5·0) / (1 − 0.25) = 3.333…
    expect(s[1]).toBeCloseTo(10 / 3, 12);
    expect(smooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
  });

  it('maps domains onto ranges, a flat domain onto the middle', () => {
    const y = linearScale([0, 10], [100, 0]);
    expect([y(0), y(5), y(10)]).toEqual([100, 50, 0]);
    expect(linearScale([3, 3], [0, 10])(3)).toBe(5);
  });

  it('gives round ticks inside the range', () => {
    expect(ticks(0, 1, 4)).toEqual([0, 0.5, 1]);
    expect(ticks(3.2, 6.9, 4)).toEqual([4, 5, 6]);
    expect(ticks(0, 48, 4)).toEqual([0, 20, 40]);
    expect(ticks(2, 2)).toEqual([2]);
  });

  it('pads extents and ignores non-finite values', () => {
    expect(extent([1, 3], 0.5)).toEqual([0, 4]);
    expect(extent([2, NaN, 2], 0.5)).toEqual([1, 3]);
    expect(extent([])).toEqual([0, 1]);
  });

  it('draws paths that break at missing values', () => {
    expect(
      linePath([
        { x: 0, y: 1 },
        { x: 1, y: 2 },
        { x: 2, y: null },
        { x: 3, y: 4 },
      ]),
    ).toBe('M0.0,1.0L1.0,2.0M3.0,4.0');
    expect(formatValue(0.123456)).toBe('0.123');
    expect(formatValue(6.8)).toBe('6.8');
    expect(formatValue(12345)).toBe('1.2e+4');
  });
});
