import { describe, expect, it } from 'vitest';
import {
  fitSequence,
  makeBatch,
  makePreferenceBatch,
  SEQUENCE_STEP,
} from '../../../../src/lib/train/graph/batches';

const special = { start: 1, end: 2, pad: 0 };
const shapes = (sequence: number) => ({ batch: 2, sequence, encoderSequence: 1, encoderWidth: 1 });
const sample = (tokens: number[]) => ({ tokens, encoderStates: new Float32Array(1) });

describe('fitSequence', () => {
  it('fits the longest caption and its end token, rounded up to a step, and cuts nothing', () => {
    // 30 tokens + end = 31 positions → 32; a fixed length of 20 (the old default) would cut it.
    expect(fitSequence([7, 30, 12], 64)).toEqual({ sequence: 32, longest: 30, cut: 0 });
    expect(fitSequence([7], 64)).toEqual({ sequence: SEQUENCE_STEP, longest: 7, cut: 0 });
    expect(fitSequence([8], 64)).toEqual({ sequence: 16, longest: 8, cut: 0 });
  });

  it('stops at the limit and counts the captions that do not fit', () => {
    expect(fitSequence([7, 30, 40, 9], 24)).toEqual({ sequence: 24, longest: 40, cut: 2 });
    // 23 tokens + end is exactly 24: it fits.
    expect(fitSequence([23], 24)).toEqual({ sequence: 24, longest: 23, cut: 0 });
    expect(fitSequence([24], 24)).toEqual({ sequence: 24, longest: 24, cut: 1 });
    expect(fitSequence([1], 2)).toEqual({ sequence: 2, longest: 1, cut: 0 });
    expect(() => fitSequence([1], 1)).toThrow(/at least 2/);
  });
});

describe('makeBatch', () => {
  it('trains a caption that fits whole: start in front, end token last, the rest masked', () => {
    const b = makeBatch([sample([10, 11, 12])], shapes(5), special);
    expect([...b.tokens.slice(0, 5)].map(Number)).toEqual([1, 10, 11, 12, 0]);
    expect([...b.labels.slice(0, 5)].map(Number)).toEqual([10, 11, 12, 2, 0]);
    expect([...b.mask.slice(0, 5)]).toEqual([1, 1, 1, 1, 0]);
  });

  it('cuts a caption longer than the graph to its first tokens, without an end token', () => {
    const b = makeBatch([sample([10, 11, 12, 13, 14, 15])], shapes(4), special);
    expect([...b.tokens.slice(0, 4)].map(Number)).toEqual([1, 10, 11, 12]);
    expect([...b.labels.slice(0, 4)].map(Number)).toEqual([10, 11, 12, 13]);
    expect([...b.mask.slice(0, 4)]).toEqual([1, 1, 1, 1]);
  });
});

describe('makePreferenceBatch', () => {
  const four = { batch: 4, sequence: 3, encoderSequence: 1, encoderWidth: 1 };
  const pair = (chosen: number[], rejected: number[], state: number) => ({
    tokens: chosen,
    rejected,
    encoderStates: new Float32Array([state]),
  });

  it('puts chosen captions in the first half, their rejected partners in the second, each on its image', () => {
    const b = makePreferenceBatch([pair([10], [20, 21], 0.5)], four, special, [[-1.5, -3]]);
    const row = (r: number) => [...b.labels.slice(r * 3, r * 3 + 3)].map(Number);
    expect(row(0)).toEqual([10, 2, 0]);
    expect(row(2)).toEqual([20, 21, 2]);
    // The filler pair (rows 1 and 3) has no tokens and no weight.
    expect([...b.mask.slice(3, 6)]).toEqual([0, 0, 0]);
    expect([...b.mask.slice(9, 12)]).toEqual([0, 0, 0]);
    expect([...b.weights]).toEqual([1, 0, 1, 0]);
    expect([...b.encoderStates]).toEqual([0.5, 0, 0.5, 0]);
    expect([...b.reference!]).toEqual([-1.5, 0, -3, 0]);
    expect(b.samples).toBe(1);
  });

  it('refuses a sample without its rejected caption, and more pairs than half the graph holds', () => {
    expect(() => makePreferenceBatch([sample([10])], four, special)).toThrow(/rejected caption/);
    const three = [pair([1], [2], 0), pair([1], [2], 0), pair([1], [2], 0)];
    expect(() => makePreferenceBatch(three, four, special)).toThrow(/1..2 pairs/);
  });
});
