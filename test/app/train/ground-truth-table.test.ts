import { describe, expect, it } from 'vitest';
import { groundTruthRows } from '../../../src/app/train/ground-truth-table';
import type { ScoreSummary, SplitValue } from '../../../src/lib/score/round-metrics';

const value = (simple: number | null, complex: number | null, all: number): SplitValue => ({
  simple,
  complex,
  all,
  counts: { all: 2, simple: simple === null ? 0 : 1, complex: complex === null ? 0 : 1 },
});

const summary = (patch: Partial<ScoreSummary>): ScoreSummary => ({
  images: 2,
  criticScore: null,
  hallucinationRate: null,
  chairI: null,
  chairS: null,
  clipScore: null,
  pickScore: null,
  ...patch,
});

describe('groundTruthRows', () => {
  it('one row per round with ground truth: CHAIR-i, CHAIR-s, recall, each simple | complex | all', () => {
    const rows = groundTruthRows([
      {
        round: -1,
        summary: summary({
          chairI: value(0.5, 0.4, 0.45),
          chairS: value(1, 1, 1),
          recall: value(0.6, 0.7, 0.65),
        }),
      },
      // A summary saved before recall existed: its recall cells are empty, not zero.
      { round: 0, summary: summary({ chairI: value(0.2, null, 0.2), chairS: value(0.5, null, 0.5) }) },
    ]);
    expect(rows).toEqual([
      { label: 'before training', cells: [0.5, 0.4, 0.45, 1, 1, 1, 0.6, 0.7, 0.65] },
      { label: 'round 1', cells: [0.2, null, 0.2, 0.5, null, 0.5, null, null, null] },
    ]);
  });

  it('nothing without ground truth (no COCO annotations, no sample scenes)', () => {
    expect(
      groundTruthRows([{ round: -1, summary: summary({ criticScore: value(0.8, 0.7, 0.75) }) }]),
    ).toEqual([]);
  });
});
