import { describe, expect, it } from 'vitest';
import { formatNumberList, parseNumberList } from '../../../src/app/fields/number-list';

const GRIDS = { min: 1, max: 8 };

describe('a typed list of whole numbers (the teacher zoom levels: grid sizes 1 to 8)', () => {
  it('reads commas, spaces or both, without repeats, in the order typed', () => {
    expect(parseNumberList('1, 2, 3', GRIDS)).toEqual([1, 2, 3]);
    expect(parseNumberList(' 3 1,,2 ', GRIDS)).toEqual([3, 1, 2]);
    expect(parseNumberList('2, 2, 1', GRIDS)).toEqual([2, 1]);
  });

  it('is null while empty or holding anything but whole numbers within the limits', () => {
    for (const text of ['', ' , ', '0', '9', '1.5', '1, x', '-1'])
      expect(parseNumberList(text, GRIDS)).toBeNull();
  });

  it('shows a saved list the way it reads back', () => {
    expect(formatNumberList([1, 2, 4])).toBe('1, 2, 4');
    expect(parseNumberList(formatNumberList([1, 2, 4]), GRIDS)).toEqual([1, 2, 4]);
  });
});
