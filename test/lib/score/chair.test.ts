import { describe, expect, it } from 'vitest';
import { CocoAnnotationsError, computeChair, parseCocoInstances } from '../../../src/lib/score/chair';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';
import { cocoInstances } from '../evidence/helpers/real-data';

const table = CHAIR_SYNONYMS;
const truth = parseCocoInstances(cocoInstances('coco_val2017_000000039769_instances.json'), table);
const ID = 39769;

describe('parseCocoInstances', () => {
  it('reads the objects of image 39769 and its file name', () => {
    expect([...truth.objectsByImageId.get(ID)!].sort()).toEqual(['bed', 'cat', 'couch', 'remote']);
    expect(truth.imageIdByFileName.get('coco_val2017_000000039769.png')).toBe(ID);
  });

  it('rejects JSON that is not COCO instances', () => {
    expect(() => parseCocoInstances({ images: [] }, table)).toThrow(CocoAnnotationsError);
    expect(() =>
      parseCocoInstances(
        { images: [{ id: 1 }], annotations: [{ image_id: 1, category_id: 9 }], categories: [] },
        table,
      ),
    ).toThrow(/Unknown category id 9/);
  });
});

describe('computeChair', () => {
  it('computes CHAIR-i over mentions and CHAIR-s over captions on hand-made captions', () => {
    const r = computeChair(
      [
        { imageId: ID, caption: 'Two cats lying on a couch with two remote controls.' }, // cat couch remote
        { imageId: ID, caption: 'A dog and a cat on a bed.' }, // dog✗ cat bed
        { imageId: ID, caption: 'A kitten sleeps next to a laptop and a tv remote.' }, // cat laptop✗ tv✗ remote
        { imageId: ID, caption: 'A pink blanket.' }, // nothing
      ],
      truth,
      table,
    );
    expect(r.mentions).toBe(10);
    expect(r.hallucinatedMentions).toBe(3);
    expect(r.chairI).toBeCloseTo(0.3, 12);
    expect(r.chairS).toBe(0.5);
    expect(r.sentences.map((s) => [s.chairS, s.chairI])).toEqual([
      [0, 0],
      [1, 1 / 3],
      [1, 0.5],
      [0, 0],
    ]);
    expect(r.sentences[2]!.hallucinated.map((w) => w.surface)).toEqual(['laptop', 'tv']);
  });

  it('counts repeated mentions, as the reference does', () => {
    const r = computeChair([{ imageId: ID, caption: 'A dog chases a dog past a cat.' }], truth, table);
    expect([r.mentions, r.hallucinatedMentions]).toEqual([3, 2]);
  });

  it('is 0 for no captions and refuses images without annotations', () => {
    expect(computeChair([], truth, table)).toMatchObject({ chairI: 0, chairS: 0 });
    expect(() => computeChair([{ imageId: 1, caption: 'A cat.' }], truth, table)).toThrow(
      /No annotations for image 1/,
    );
  });
});
