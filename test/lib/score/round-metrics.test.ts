import { describe, expect, it } from 'vitest';
import { summarizeScores, type ImageScoreInput } from '../../../src/lib/score/round-metrics';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';

const table = CHAIR_SYNONYMS;
/** COCO image 39769's annotated categories (test/fixtures/annotations). */
const CATS = ['bed', 'cat', 'couch', 'remote'];

const inputs: ImageScoreInput[] = [
  // simple (2 objects ≤ 3): cat couch remote, all annotated → 0 of 3 hallucinated
  {
    imageId: 'a',
    caption: 'Two cats lying on a couch with two remote controls.',
    objectCount: 2,
    critic: { score: 0.9, mentions: 3, ungrounded: 0 },
    cocoObjects: CATS,
    clipScore: 0.8,
  },
  // complex (5 objects): dog✗ cat bed → 1 of 3
  {
    imageId: 'b',
    caption: 'A dog and a cat on a bed.',
    objectCount: 5,
    critic: { score: 0.5, mentions: 3, ungrounded: 1 },
    cocoObjects: CATS,
    clipScore: 0.6,
  },
  // complex (4 objects): cat laptop✗ tv✗ remote → 2 of 4; no critic, no CLIP
  {
    imageId: 'c',
    caption: 'A kitten sleeps next to a laptop and a tv remote.',
    objectCount: 4,
    cocoObjects: CATS,
  },
  // not counted: in `all` only; no COCO annotations
  {
    imageId: 'd',
    caption: 'A pink blanket.',
    objectCount: null,
    critic: { score: 1, mentions: 0, ungrounded: 0 },
  },
];

describe('summarizeScores', () => {
  const s = summarizeScores(inputs, table, 3);

  it('averages the critic score and CLIPScore per group', () => {
    expect(s.images).toBe(4);
    expect(s.criticScore!.all).toBeCloseTo((0.9 + 0.5 + 1) / 3, 12);
    expect(s.criticScore!.simple).toBeCloseTo(0.9, 12);
    expect(s.criticScore!.complex).toBeCloseTo(0.5, 12);
    expect(s.criticScore!.counts).toEqual({ all: 3, simple: 1, complex: 1 });
    expect(s.clipScore).toMatchObject({
      simple: 0.8,
      complex: 0.6,
      counts: { all: 2, simple: 1, complex: 1 },
    });
    expect(s.clipScore!.all).toBeCloseTo(0.7, 12);
  });

  it('object recall: per image, the annotated categories the caption names, averaged over images', () => {
    // a: cat couch remote of bed cat couch remote → 3/4; b: cat bed → 2/4; c: cat remote → 2/4.
    expect(s.recall!.simple).toBeCloseTo(3 / 4, 12);
    expect(s.recall!.complex).toBeCloseTo(2 / 4, 12);
    expect(s.recall!.all).toBeCloseTo((3 / 4 + 2 / 4 + 2 / 4) / 3, 12);
    expect(s.recall!.counts).toEqual({ all: 3, simple: 1, complex: 2 });
  });

  it('weights the hallucination rate and CHAIR-i by mentions, CHAIR-s by captions', () => {
    expect(s.hallucinationRate!.all).toBeCloseTo(1 / 6, 12);
    expect(s.hallucinationRate!.complex).toBeCloseTo(1 / 3, 12);
    expect(s.chairI!.all).toBeCloseTo(3 / 10, 12);
    expect(s.chairI!.simple).toBe(0);
    expect(s.chairI!.complex).toBeCloseTo(3 / 7, 12);
    expect(s.chairS!.all).toBeCloseTo(2 / 3, 12);
    expect(s.chairS).toMatchObject({ simple: 0, complex: 1 });
  });

  it('gives null for a metric no image has, and for an empty group', () => {
    const none = summarizeScores([{ imageId: 'x', caption: 'a cat', objectCount: 1 }], table, 3);
    expect(none).toMatchObject({ criticScore: null, chairI: null, clipScore: null, hallucinationRate: null });
    const simpleOnly = summarizeScores(
      [{ imageId: 'x', caption: 'a cat', objectCount: 1, clipScore: 2 }],
      table,
      3,
    );
    expect(simpleOnly.clipScore).toMatchObject({ all: 2, simple: 2, complex: null });
    expect(simpleOnly.pickScore).toBeNull();
  });

  it('keeps PickScore apart from CLIPScore: its own mean over its own images', () => {
    const both = summarizeScores(
      [
        { imageId: 'x', caption: 'a cat', objectCount: 1, clipScore: 0.7, pickScore: 21 },
        { imageId: 'y', caption: 'a dog', objectCount: 5, pickScore: 19 },
      ],
      table,
      3,
    );
    expect(both.clipScore).toMatchObject({ all: 0.7, simple: 0.7, complex: null, counts: { all: 1 } });
    expect(both.pickScore).toMatchObject({ all: 20, simple: 21, complex: 19, counts: { all: 2 } });
  });
});
