/** The rule-based critique on the hand-written Florence-2 fixtures for the real photos. */
import { describe, expect, it } from 'vitest';
import { isClean, scoreFindings } from '../../../src/lib/critic/critique';
import { checkCaption, evidenceCount, isSalient } from '../../../src/lib/critic/rules';
import type { PlacedDetection } from '../../../src/lib/evidence/merge';
import { fixtureEvidence, table } from './helpers/florence-fixtures';

const CATS = 'coco_val2017_000000039769';
const ROOM = 'coco_val2017_000000000139';
const STOP = 'coco_val2017_000000000724';
const ELEPHANT = 'coco_val2014_000000562207';
const BANANAS = 'coco_val2014_000000579664';
const MOTORBIKE = 'coco_val2014_000000354533';

describe('hallucinations', () => {
  it('flags objects nothing shows, even when Florence-2 grounds the phrase', () => {
    // The fixture's phrase grounding put a box on "A dog" (over a cat): grounding alone is no evidence.
    const e = fixtureEvidence(CATS);
    expect(e.grounding!.phrases[0]!.categories).toEqual(['dog']);
    const f = checkCaption('A dog lying on a couch next to a remote.', e, table);
    expect(f.hallucinations).toEqual([
      {
        object: 'dog',
        text: 'A dog',
        reason: 'No detector box, Florence-2 object, region description or detailed caption shows a dog.',
      },
    ]);
    expect(f.mentions.map((m) => [m.object, m.grounded, m.support])).toEqual([
      ['dog', false, []],
      ['couch', true, ['florence-od', 'region', 'detailed-caption']],
      ['remote', true, ['florence-od', 'region', 'detailed-caption']],
    ]);
  });

  it('accepts objects that only the text evidence names', () => {
    // "truck" appears only in the detailed caption ("A white truck is parked…") and a region description.
    const f = checkCaption('A truck parked behind a stop sign.', fixtureEvidence(STOP), table);
    expect(f.hallucinations).toEqual([]);
    expect(f.mentions.find((m) => m.object === 'truck')!.support).toEqual(['region', 'detailed-caption']);
  });

  it('flags several hallucinations in one caption', () => {
    const f = checkCaption('A bunch of bananas and an apple on a table.', fixtureEvidence(BANANAS), table);
    expect(f.hallucinations.map((h) => [h.object, h.text])).toEqual([
      ['apple', 'an apple'],
      ['dining table', 'a table'],
    ]);
    expect(f.hallucinations[1]!.reason).toMatch(/shows a table\.$/);
  });
});

describe('omissions', () => {
  it('lists salient objects the caption leaves out, biggest first, at most three', () => {
    const f = checkCaption(
      'A living room with a television and a dog on a couch.',
      fixtureEvidence(ROOM),
      table,
    );
    expect(f.omissions.map((o) => [o.object, o.count])).toEqual([
      ['dining table', 1],
      ['person', 2],
      ['chair', 3],
    ]);
    expect(f.omissions[0]).toMatchObject({ zoomLevels: [1], sources: ['florence-od'] });
  });

  it('ignores small objects (the clock, the distant people) and objects only one crop saw', () => {
    const e = fixtureEvidence(MOTORBIKE, [
      det('suitcase', [12, 150, 256, 310], 0.73, 3, false), // one 3×3 crop only: not corroborated
    ]);
    const f = checkCaption('A motorcycle parked in a field with sheep in the background.', e, table);
    expect(f.omissions).toEqual([]);
    expect(isClean(f)).toBe(true);
    expect(scoreFindings(f)).toBe(1);
    const people = e.objects.filter((o) => o.label === 'person');
    expect(people).toHaveLength(3);
    expect(people.some((p) => isSalient(p, e))).toBe(false);
  });
});

describe('counts', () => {
  it('compares stated numbers with the number of corroborated boxes', () => {
    const e = fixtureEvidence(ELEPHANT);
    expect(evidenceCount('person', e)).toBe(3);
    expect(checkCaption('Two people standing next to an elephant.', e, table).countMismatches).toEqual([
      { object: 'person', text: 'Two people', claimed: 2, actual: 3 },
    ]);
    expect(checkCaption('Three people standing next to an elephant.', e, table).countMismatches).toEqual([]);
    expect(checkCaption('A man and a woman next to two elephants.', e, table).countMismatches).toEqual([
      { object: 'elephant', text: 'two elephants', claimed: 2, actual: 1 },
    ]);
  });

  it('reads "a cat" as one cat, but "a man" as at least one person', () => {
    const cats = checkCaption('A cat sleeping on a couch.', fixtureEvidence(CATS), table);
    expect(cats.countMismatches).toEqual([{ object: 'cat', text: 'A cat', claimed: 1, actual: 2 }]);
    const man = checkCaption('A man riding an elephant in a river.', fixtureEvidence(ELEPHANT), table);
    expect(man.countMismatches).toEqual([]);
  });

  it('treats a bare plural as "more than one"', () => {
    const e = fixtureEvidence(STOP);
    expect(checkCaption('Stop signs at a corner.', e, table).countMismatches).toEqual([
      { object: 'stop sign', text: 'Stop signs', claimed: 'many', actual: 1 },
    ]);
    expect(checkCaption('Cats on a couch.', fixtureEvidence(CATS), table).countMismatches).toEqual([]);
  });

  it('counts a detector box and a Florence-2 box of one object once', () => {
    const e = fixtureEvidence(CATS, [
      det('cat', [341, 33, 640, 358], 0.82, 1, false),
      det('cat', [2, 55, 336, 386], 0.83, 1, false),
    ]);
    expect(e.objects.filter((o) => o.label === 'cat')).toHaveLength(2);
    expect(evidenceCount('cat', e)).toBe(2);
  });
});

describe('relations', () => {
  it('catches left/right swapped against the boxes (as seen in the image)', () => {
    const f = checkCaption('A car to the right of a stop sign.', fixtureEvidence(STOP), table);
    expect(f.relationMismatches).toEqual([
      {
        subject: 'car',
        relation: 'right of',
        object: 'stop sign',
        text: 'A car to the right of a stop sign',
        observed: 'left of',
      },
    ]);
    expect(
      checkCaption('A car to the left of a stop sign.', fixtureEvidence(STOP), table).relationMismatches,
    ).toEqual([]);
  });

  it('checks "on the left/right" against the image centre', () => {
    const e = fixtureEvidence(MOTORBIKE);
    expect(checkCaption('A motorcycle on the right.', e, table).relationMismatches).toEqual([
      {
        subject: 'motorcycle',
        relation: 'on the right',
        text: 'A motorcycle on the right',
        observed: 'on the left',
      },
    ]);
    expect(checkCaption('A motorcycle on the left.', e, table).relationMismatches).toEqual([]);
  });

  it('checks on/under only where the boxes clearly disagree', () => {
    const e = fixtureEvidence(STOP);
    expect(checkCaption('A stop sign under a car.', e, table).relationMismatches).toEqual([
      {
        subject: 'stop sign',
        relation: 'under',
        object: 'car',
        text: 'A stop sign under a car',
        observed: 'on',
      },
    ]);
    // Overlapping boxes (two cats on a couch) cannot contradict "on".
    expect(
      checkCaption('Two cats lying on a couch.', fixtureEvidence(CATS), table).relationMismatches,
    ).toEqual([]);
  });

  it('does not judge relations of hallucinated objects, nor without boxes', () => {
    expect(
      checkCaption('A dog to the right of a stop sign.', fixtureEvidence(STOP), table).relationMismatches,
    ).toEqual([]);
    // "truck" is named only in text: no box to check "left of" against.
    expect(
      checkCaption('A truck to the right of a stop sign.', fixtureEvidence(STOP), table).relationMismatches,
    ).toEqual([]);
  });
});

describe('score', () => {
  it('is 1 for a clean caption and falls with each kind of problem', () => {
    const e = fixtureEvidence(CATS);
    const score = (c: string) => scoreFindings(checkCaption(c, e, table));
    expect(score('Two cats lying on a pink couch with two remote controls.')).toBe(1);
    // Omits the remotes: precision 1, recall 2/3, consistency 1 → 0.5 + 0.2 + 0.2.
    expect(score('Two cats lying on a pink couch.')).toBeCloseTo(0.9, 12);
    // A dog: precision 2/3, recall 2/3 (cats omitted), consistency 1/2 (remote count) → 0.3333 + 0.2 + 0.1.
    expect(score('A dog lying on a couch next to a remote.')).toBeCloseTo(
      0.5 * (2 / 3) + 0.3 * (2 / 3) + 0.2 / 2,
      12,
    );
    expect(score('A horse.')).toBeCloseTo(0.2, 12); // precision 0, recall 0, consistency 1
  });
});

function det(
  label: string,
  [x1, y1, x2, y2]: number[],
  score: number,
  zoom: number,
  cut: boolean,
): PlacedDetection {
  return {
    label,
    box: { x1: x1!, y1: y1!, x2: x2!, y2: y2! },
    score,
    zoom,
    cropId: `z${zoom}-r0-c0`,
    source: 'fastestdet',
    cut,
  };
}
