import { describe, expect, it } from 'vitest';
import { captionScoreText, roundScoreText } from '../../../src/app/train/score-labels';
import type { ScoreSummary, SplitValue } from '../../../src/lib/score/round-metrics';

const split = (all: number): SplitValue => ({
  all,
  simple: null,
  complex: null,
  counts: { all: 1, simple: 0, complex: 0 },
});

describe('scores beside captions and checkpoints', () => {
  it('names CLIPScore and PickScore by metric, each its own value', () => {
    expect(captionScoreText({ critic: 0.8, clip: 0.7123, pick: 21.34 })).toBe(
      'critic 0.8 · CLIPScore 0.712 · PickScore 21.3',
    );
    expect(captionScoreText({ pick: 19 })).toBe('PickScore 19');
    expect(captionScoreText({ chairI: 0.25, clip: 0.5 })).toBe('CHAIR-i 0.25 · CLIPScore 0.5');
    expect([captionScoreText(undefined), captionScoreText({})]).toEqual(['', '']);
  });

  it('reads round summaries, including ones saved before PickScore existed', () => {
    const summary: ScoreSummary = {
      images: 2,
      criticScore: split(0.9),
      hallucinationRate: split(0.1),
      chairI: null,
      chairS: null,
      clipScore: split(0.66),
      pickScore: split(20.5),
    };
    expect(roundScoreText(summary)).toBe('critic 0.9 · CLIPScore 0.66 · PickScore 20.5');
    const { pickScore: _dropped, ...old } = summary;
    expect(roundScoreText(old as ScoreSummary)).toBe('critic 0.9 · CLIPScore 0.66');
    expect(roundScoreText(undefined)).toBe('');
  });
});
