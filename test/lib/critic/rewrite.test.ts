/** The template engine's rewrite and feedback, from rule critiques of the fixture photos. */
import { describe, expect, it } from 'vitest';
import type { Findings } from '../../../src/lib/critic/critique';
import { writeFeedback } from '../../../src/lib/critic/feedback';
import { rewriteCaption } from '../../../src/lib/critic/rewrite';
import { checkCaption } from '../../../src/lib/critic/rules';
import { fixtureEvidence, table } from './helpers/florence-fixtures';

type Stem = Parameters<typeof fixtureEvidence>[0];
const rewrite = (stem: Stem, caption: string) =>
  rewriteCaption(caption, checkCaption(caption, fixtureEvidence(stem), table), table);

const CATS = 'coco_val2017_000000039769';

describe('rewriteCaption', () => {
  it('puts a missed object of the same kind in place of a hallucinated subject and fixes counts', () => {
    expect(rewrite(CATS, 'A dog lying on a couch next to a remote.')).toBe(
      'Two cats lying on a couch next to two remotes.',
    );
    expect(rewrite(CATS, 'A dog is sleeping.')).toBe(
      'Two cats are sleeping. There is also a couch and two remote controls.',
    );
    expect(rewrite(CATS, 'There is a dog on a couch.')).toBe(
      'There are two cats on a couch. There are also two remote controls.',
    );
    expect(rewrite('coco_val2014_000000354533', 'A horse standing in a field.')).toBe(
      'A motorcycle standing in a field.',
    );
  });

  it('removes hallucinated objects with their connecting words', () => {
    expect(rewrite(CATS, 'A dog and a cat on a couch.')).toBe(
      'Two cats on a couch with two remote controls.',
    );
    expect(rewrite('coco_val2014_000000579664', 'A bunch of bananas and an apple on a table.')).toBe(
      'A bunch of bananas.',
    );
    expect(rewrite('coco_val2014_000000562207', 'A man riding an elephant in a river with a dog.')).toBe(
      'A man riding an elephant in a river.',
    );
    expect(rewrite(CATS, 'Two cats and a dog are sleeping on a bed with a laptop.')).toBe(
      'Two cats are sleeping. There is also a couch and two remote controls.',
    );
  });

  it('keeps a list a list: the last two items stay joined by "and", added objects join the list', () => {
    const f = (hallucinated: string[], omitted: string[] = []): Findings => ({
      mentions: [],
      hallucinations: hallucinated.map((object) => ({ object, text: object, reason: '' })),
      omissions: omitted.map((object) => ({
        object,
        count: 1,
        box: { x1: 0, y1: 0, x2: 1, y2: 1 },
        zoomLevels: [1],
        sources: ['fastestdet'],
      })),
      countMismatches: [],
      relationMismatches: [],
    });
    const list = 'A scene with a person, a chair, a toilet, a dog and a car.';
    expect(rewriteCaption(list, f(['car']), table)).toBe(
      'A scene with a person, a chair, a toilet and a dog.',
    );
    expect(rewriteCaption(list, f(['dog']), table)).toBe(
      'A scene with a person, a chair, a toilet and a car.',
    );
    expect(rewriteCaption(list, f(['dog', 'car']), table)).toBe(
      'A scene with a person, a chair and a toilet.',
    );
    expect(rewriteCaption(list, f(['person']), table)).toBe(
      'A scene with a chair, a toilet, a dog and a car.',
    );
    expect(rewriteCaption('A picture of a cup and a toilet.', f(['toilet']), table)).toBe(
      'A picture of a cup.',
    );
    expect(rewriteCaption('A picture of a bowl, a cup and a chair.', f([], ['person']), table)).toBe(
      'A picture of a bowl, a cup, a chair and a person.',
    );
    expect(rewriteCaption('A picture of a bowl and a cup.', f(['cup'], ['person']), table)).toBe(
      'A picture of a bowl and a person.',
    );
  });

  it('corrects counts keeping the adjectives and the verb in agreement', () => {
    expect(rewrite(CATS, 'A tabby cat is sleeping on a couch with two remote controls.')).toBe(
      'Two tabby cats are sleeping on a couch with two remote controls.',
    );
    expect(rewrite('coco_val2014_000000562207', 'Two people standing next to an elephant.')).toBe(
      'Three people standing next to an elephant.',
    );
  });

  it('swaps contradicted relations', () => {
    expect(rewrite('coco_val2017_000000000724', 'A car to the right of a stop sign.')).toBe(
      'A car to the left of a stop sign.',
    );
    expect(rewrite('coco_val2014_000000354533', 'A motorcycle on the right.')).toBe(
      'A motorcycle on the left.',
    );
    expect(rewrite('coco_val2017_000000000724', 'A stop sign under a car.')).toBe('A stop sign on a car.');
  });

  it('leaves a clean caption as it is and writes a caption from scratch when nothing is left', () => {
    const clean = 'A motorcycle parked in a field with sheep in the background.';
    expect(rewrite('coco_val2014_000000354533', clean)).toBe(clean);
    const none: Findings = {
      mentions: [],
      hallucinations: [],
      omissions: [],
      countMismatches: [],
      relationMismatches: [],
    };
    expect(
      rewriteCaption(
        'A dog.',
        { ...none, hallucinations: [{ object: 'dog', text: 'A dog', reason: '' }] },
        table,
      ),
    ).toBe('A photo.');
    expect(
      rewriteCaption(
        'A dog sleeping.',
        {
          ...none,
          hallucinations: [{ object: 'dog', text: 'A dog', reason: '' }],
          omissions: [{ object: 'cat', count: 2 }],
        },
        table,
      ),
    ).toBe('Two cats sleeping.');
  });

  it('writes word salad anew from the confirmed objects, keeping none of it', () => {
    // Without the evidence (an LLM's critique): the critique's own counts, and no relation.
    const salad = 'tru tru tru drawn pizza tru tru';
    expect(rewrite(CATS, salad)).toBe('A photo of a couch, two cats and two remote controls.');
    // A looping student: the objects the evidence grounds come first, with the evidence's count.
    const looping = 'standing standing standing cat couch standing people field couch standing';
    const f = checkCaption(looping, fixtureEvidence(CATS), table);
    expect(rewriteCaption(looping, f, table, fixtureEvidence(CATS))).toBe(
      'A photo of two cats on a couch and two remote controls.',
    );
  });

  it('removes words outside the COCO vocabulary that an LLM critique calls hallucinated', () => {
    const f: Findings = {
      mentions: [],
      hallucinations: [{ object: 'blanket', text: 'a blanket', reason: '' }],
      omissions: [],
      countMismatches: [],
      relationMismatches: [],
    };
    expect(rewriteCaption('Two cats on a couch under a blanket.', f, table)).toBe('Two cats on a couch.');
  });
});

describe('writeFeedback', () => {
  it('writes one plain sentence per finding, hallucinations first', () => {
    const caption = 'A dog lying on a couch next to a remote.';
    const f = checkCaption(caption, fixtureEvidence(CATS), table);
    expect(writeFeedback(caption, f).split('\n')).toEqual([
      'Remove "A dog": no detector box, Florence-2 object, region description or detailed caption shows a dog.',
      'Mention two cats: Florence-2 found them on the whole image, and the caption leaves them out.',
      'Correct "a remote" to two remote controls: the caption says 1, the evidence shows 2.',
    ]);
  });

  it('names zoom levels and relations', () => {
    const f: Findings = {
      mentions: [],
      hallucinations: [],
      omissions: [{ object: 'remote', count: 1, zoomLevels: [1, 3], sources: ['fastestdet'] }],
      countMismatches: [],
      relationMismatches: [
        {
          subject: 'car',
          relation: 'right of',
          object: 'stop sign',
          text: 'A car to the right of a stop sign',
          observed: 'left of',
        },
      ],
    };
    expect(writeFeedback('x', f).split('\n')).toEqual([
      'Mention a remote control: the detector found it on the whole image and at 3×3 zoom, and the caption leaves it out.',
      'Fix "A car to the right of a stop sign": the boxes show the car left of the stop sign.',
    ]);
  });

  it('says so when there is nothing to fix', () => {
    const none: Findings = {
      mentions: [],
      hallucinations: [],
      omissions: [],
      countMismatches: [],
      relationMismatches: [],
    };
    expect(writeFeedback('Two cats.', none)).toBe('"Two cats." agrees with the evidence; keep it as it is.');
  });
});
