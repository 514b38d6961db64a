/**
 * The student bench's figures on a hand-made scenes root (test/fixtures/scenes-mini: splits simple, bias and
 * control, bias pair clock → person) with hand-written captions. Every expected number is worked out by hand
 * in the comments, from the fixture's instances.json and the captions below.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Captioner } from '../../../bench/student-node';
import { benchFolder, biasPairs, splitFolders } from '../../../bench/student-node';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';
import { instanceCounts, scoreSplit } from '../../../src/lib/score/student-scores';
import { REPO_DIR } from '../../support/fixtures';

const SCENES = join(REPO_DIR, 'test', 'fixtures', 'scenes-mini');

/** What a student might have said, by file name. Ground truth in brackets. */
const CAPTIONS: Record<string, string> = {
  'simple_0.png': 'a man standing next to a toilet.', // [person, toilet]
  'simple_1.png': 'three zebras and a dog.', // [zebra ×2]
  'simple_2.png': 'a clock on a wall.', // [clock, motorcycle]
  'bias_0.png': 'a woman holding a clock.', // [clock]
  'bias_1.png': 'a clock on a toilet.', // [clock, toilet]
  'bias_2.png': 'a person with a clock.', // [person, clock]
  'control_0.png': 'a toilet in a bathroom.', // [toilet]
  'control_1.png': 'a boy riding a zebra.', // [zebra]
  'control_2.png': 'a motorbike next to a toilet.', // [motorcycle, toilet]
  'control_3.png': 'an empty scene.', // []
};

const handWritten: Captioner = async (images) =>
  images.map(({ imageId, path }) => {
    const caption = CAPTIONS[path.split('/').pop()!];
    if (caption === undefined) throw new Error(`no caption for ${path}`);
    return { imageId, caption };
  });

describe('student bench scores (hand-made scenes, hand-written captions)', () => {
  it('finds the splits of a scenes root, leaves train out, and reads the bias pair (a category as {id, name} or a COCO id)', () => {
    expect(splitFolders(SCENES).map((s) => s.name)).toEqual(['bias', 'control', 'simple']);
    expect(splitFolders(join(SCENES, 'simple')).map((s) => s.name)).toEqual(['simple']);
    expect(biasPairs(SCENES, [])).toEqual([{ a: 'clock', b: 'person' }]);
    expect(() => splitFolders(SCENES, ['heldout'])).toThrow(/no split heldout/);
  });

  it('scores each split: recall, CHAIR-i, CHAIR-s, counts', async () => {
    const report = await benchFolder(SCENES, handWritten);
    // simple: recall per image 2/2, 1/1, 1/2 → mean 5/6; pooled 4/5. Mentions man, toilet | zebras, dog✗ |
    // clock → 5, 1 hallucinated: CHAIR-i 1/5, CHAIR-s 1/3. Counts stated of present categories: a man (1 ✓),
    // a toilet (1 ✓), three zebras (2 ✗), a clock (1 ✓) → 3 of 4; "a dog" is absent, CHAIR's business.
    expect(report.splits['simple']).toMatchObject({
      images: 3,
      mentions: 5,
      hallucinatedMentions: 1,
      counts: { stated: 4, correct: 3, accuracy: 0.75 },
    });
    expect(report.splits['simple']!.recall).toBeCloseTo(5 / 6, 12);
    expect(report.splits['simple']!.recallMicro).toBeCloseTo(4 / 5, 12);
    expect(report.splits['simple']!.chairI).toBeCloseTo(1 / 5, 12);
    expect(report.splits['simple']!.chairS).toBeCloseTo(1 / 3, 12);
    // bias: every present category named (recall 1). Mentions woman✗, clock | clock, toilet | person, clock
    // → 6, 1 hallucinated: CHAIR-i 1/6, CHAIR-s 1/3. Counts: a clock, a clock, a toilet, a person, a clock: 5/5.
    expect(report.splits['bias']).toMatchObject({
      images: 3,
      recall: 1,
      recallMicro: 1,
      mentions: 6,
      hallucinatedMentions: 1,
      counts: { stated: 5, correct: 5, accuracy: 1 },
    });
    expect(report.splits['bias']!.chairI).toBeCloseTo(1 / 6, 12);
    // control: the empty scene has no objects, so recall averages the other three (all 1). Mentions toilet |
    // boy✗, zebra | motorbike, toilet → 5, 1 hallucinated: CHAIR-i 1/5; 1 of 4 captions: CHAIR-s 1/4.
    expect(report.splits['control']).toMatchObject({
      images: 4,
      recall: 1,
      mentions: 5,
      hallucinatedMentions: 1,
      chairS: 0.25,
      counts: { stated: 4, correct: 4, accuracy: 1 },
    });
    expect(report.splits['control']!.chairI).toBeCloseTo(1 / 5, 12);
  });

  it('says which categories are invented, and how many of them are the planted B beside A', async () => {
    const report = await benchFolder(SCENES, handWritten);
    // Hallucinated: simple "a dog" (no dog); bias "a woman" (person) on bias_0, which holds the clock (A) and no
    // person (B): the planted pair; control "a boy" (person) on a zebra scene, no clock: not the pair.
    expect(report.splits['simple']!.hallucinatedByCategory).toEqual({ dog: 1 });
    expect(report.splits['bias']!.hallucinatedByCategory).toEqual({ person: 1 });
    expect(report.splits['control']!.hallucinatedByCategory).toEqual({ person: 1 });
    const planted = (split: string) => report.splits[split]!.plantedBias;
    expect(planted('bias')).toEqual([{ a: 'clock', b: 'person', mentions: 1 }]);
    expect(planted('control')).toEqual([{ a: 'clock', b: 'person', mentions: 0 }]);
    expect(planted('simple')).toEqual([{ a: 'clock', b: 'person', mentions: 0 }]);
  });

  it('shares the captions the scene grammar produces (fluency) per split', async () => {
    const report = await benchFolder(SCENES, handWritten);
    // Of the captions above, only "a clock on a toilet." (a relation) and "an empty scene." are the grammar's:
    // "a man standing next to…", "…and a dog" (not a category of the scenes), "…on a wall" are not.
    expect(report.splits['simple']!.fluency).toBe(0);
    expect(report.splits['bias']!.fluency).toBeCloseTo(1 / 3, 12);
    expect(report.splits['control']!.fluency).toBe(0.25);
  });

  it('rates the planted bias: B named with A and without B, against neither', async () => {
    const report = await benchFolder(SCENES, handWritten);
    // bias split, clock without person: bias_0 (a woman: names person), bias_1 (no) → 1/2; bias_2 holds the
    // person, so it is left out. control, neither: all four images, control_1 names a boy → 1/4. Ratio 2.
    expect(report.bias).toEqual([
      {
        a: 'clock',
        b: 'person',
        biasImages: 2,
        biasRate: 0.5,
        controlImages: 4,
        controlRate: 0.25,
        ratio: 2,
      },
    ]);
  });

  it('counts instances per category through the synonym list, and reports no accuracy without counts', () => {
    const json = {
      images: [{ id: 1, file_name: 'a.png' }],
      annotations: [
        { image_id: 1, category_id: 4 },
        { image_id: 1, category_id: 4 },
      ],
      categories: [{ id: 4, name: 'motorbike' }],
    };
    expect(instanceCounts(json, CHAIR_SYNONYMS).get(1)).toEqual(new Map([['motorcycle', 2]]));
    // "motorcycles" is plural without a number: no exact count stated.
    const scores = scoreSplit(json, [{ imageId: 1, caption: 'motorcycles parked.' }], CHAIR_SYNONYMS);
    expect(scores.counts).toEqual({ stated: 0, correct: 0, accuracy: null });
    expect(scoreSplit(json, [{ imageId: 1, caption: 'two motorbikes.' }], CHAIR_SYNONYMS).counts).toEqual({
      stated: 1,
      correct: 1,
      accuracy: 1,
    });
  });
});
