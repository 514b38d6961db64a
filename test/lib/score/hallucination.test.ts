import { describe, expect, it } from 'vitest';
import { checkCaption } from '../../../src/lib/critic/rules';
import { hallucinationRate } from '../../../src/lib/score/hallucination';
import { fixtureEvidence, table } from '../critic/helpers/florence-fixtures';

describe('hallucinationRate', () => {
  it('is the share of ungrounded object mentions, and of captions with one', () => {
    const cats = fixtureEvidence('coco_val2017_000000039769');
    const bananas = fixtureEvidence('coco_val2014_000000579664');
    const r = hallucinationRate([
      checkCaption('A dog lying on a couch next to a remote.', cats, table), // dog of dog, couch, remote
      checkCaption('Two cats on a couch.', cats, table), // none of 2
      checkCaption('A bunch of bananas and an apple on a table.', bananas, table), // apple, table of 3
    ]);
    expect(r).toEqual({ mentions: 8, ungrounded: 3, captions: 3, mentionRate: 3 / 8, captionRate: 2 / 3 });
  });

  it('is 0 without mentions', () => {
    expect(hallucinationRate([])).toEqual({
      mentions: 0,
      ungrounded: 0,
      captions: 0,
      mentionRate: 0,
      captionRate: 0,
    });
  });
});
