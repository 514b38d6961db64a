/**
 * Round scoring with both preference scorers loaded: CLIPScore and PickScore land in their own per-image fields
 * and their own summary series; with one scorer loaded, only its series exists. PagePreferenceScorer refuses a
 * model of the other metric before downloading anything.
 */
import { describe, expect, it } from 'vitest';
import { ScorerModelError } from '../../../src/lib/score/preference-scorers';
import { PagePreferenceScorer } from '../../../src/flows/train/page-preference-scorer';
import type { ScoringPort } from '../../../src/lib/score/rule-scoring';
import { ruleScore, scoreCaptions } from '../../../src/lib/score/rule-scoring';
import { scoreFindings } from '../../../src/lib/critic/critique';
import { checkCaption } from '../../../src/lib/critic/rules';
import { fixtureEvidence } from '../critic/helpers/florence-fixtures';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';

const table = CHAIR_SYNONYMS;
const captions = new Map([
  ['cats', 'two cats on a couch'],
  ['sign', 'a red stop sign'],
]);

function port(loaded: { clip?: number[]; pick?: number[] }): ScoringPort {
  return {
    synonyms: async () => table,
    evidence: async () => undefined,
    clipScores: async () => loaded.clip,
    pickScores: async () => loaded.pick,
  };
}

describe('round scores with the preference scorers', () => {
  it('keeps CLIPScore and PickScore apart, per image and per round', async () => {
    const { summary, perImage } = await scoreCaptions(captions, {
      scoring: port({ clip: [0.75, 0.25], pick: [21.5, 18.5] }),
      coco: null,
      threshold: 3,
    });
    expect(perImage['cats']).toEqual({ clip: 0.75, pick: 21.5 });
    expect(perImage['sign']).toEqual({ clip: 0.25, pick: 18.5 });
    expect(summary.clipScore?.all).toBeCloseTo(0.5, 12);
    expect(summary.pickScore?.all).toBeCloseTo(20, 12);
  });

  it('has only the series of the scorer that is loaded', async () => {
    const pickOnly = await scoreCaptions(captions, {
      scoring: port({ pick: [20, 22] }),
      coco: null,
      threshold: 3,
    });
    expect(pickOnly.summary.clipScore).toBeNull();
    expect(pickOnly.summary.pickScore?.all).toBeCloseTo(21, 12);
    expect(pickOnly.perImage['cats']).toEqual({ pick: 20 });
    const none = await scoreCaptions(captions, { scoring: port({}), coco: null, threshold: 3 });
    expect([none.summary.clipScore, none.summary.pickScore]).toEqual([null, null]);
  });

  it('refuses to load PickScore_v1 as CLIPScore (and CLIP as PickScore) before any download', async () => {
    const clip = new PagePreferenceScorer('clipscore');
    await expect(clip.load('yuvalkirstain/PickScore_v1', 'http://127.0.0.1:1')).rejects.toThrow(
      ScorerModelError,
    );
    const pick = new PagePreferenceScorer('pickscore');
    await expect(pick.load('Xenova/clip-vit-base-patch32', 'http://127.0.0.1:1')).rejects.toMatchObject({
      name: 'ScorerModelError',
    });
    expect([clip.loaded, pick.loaded]).toEqual([false, false]);
    expect(await pick.scores([{ imageId: 'cats', caption: 'a cat' }], async () => new Map())).toBeUndefined();
  });
});

describe('the rule-based score of one caption', () => {
  it('counts the mentions the evidence grounds and scores the findings as the critic does', () => {
    // "A dog" has nothing behind it on the cats photo; the couch and the remote do.
    const caption = 'A dog lying on a couch next to a remote.';
    const evidence = fixtureEvidence('coco_val2017_000000039769');
    expect(ruleScore(caption, evidence, table)).toEqual({
      score: scoreFindings(checkCaption(caption, evidence, table)),
      mentions: 3,
      ungrounded: 1,
    });
  });

  it('is what round scoring records as the critic score', async () => {
    const evidence = fixtureEvidence('coco_val2017_000000039769');
    const caption = 'two cats on a couch';
    const { perImage } = await scoreCaptions(new Map([['cats', caption]]), {
      scoring: { synonyms: async () => table, evidence: async () => evidence },
      coco: null,
      threshold: 3,
    });
    expect(perImage['cats']?.critic).toBe(ruleScore(caption, evidence, table).score);
  });
});
