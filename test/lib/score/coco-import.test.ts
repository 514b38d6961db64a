import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';
import { computeChair, type CocoGroundTruth } from '../../../src/lib/score/chair';
import {
  chairCaptionsFor,
  cocoIdFromFileName,
  importCocoAnnotations,
  matchCocoImages,
} from '../../../src/lib/score/coco-import';
import { ANNOTATIONS_DIR } from '../../support/fixtures';

const instances = JSON.parse(
  readFileSync(join(ANNOTATIONS_DIR, 'coco_val2017_000000039769_instances.json'), 'utf8'),
) as unknown;
const table = CHAIR_SYNONYMS;

describe('cocoIdFromFileName', () => {
  it.each([
    ['coco_val2017_000000039769.png', 39769],
    ['COCO_val2014_000000060623.jpg', 60623],
    ['coco_000000014439.jpg', 14439],
    ['photos/000000000139.jpg', 139],
    ['39769.webp', 39769],
    ['39769', 39769],
  ])('%s → %d', (name, id) => expect(cocoIdFromFileName(name)).toBe(id));

  it.each(['IMG_2017.jpg', 'cat_39769.png', 'holiday.jpg', '000000.jpg', 'DSC-12345.jpeg'])(
    '%s → null',
    (name) => expect(cocoIdFromFileName(name)).toBeNull(),
  );
});

describe('importCocoAnnotations on the real annotations of image 39769', () => {
  const dropped = [
    { key: 'exact', fileName: 'coco_val2017_000000039769.png' },
    { key: 'reencoded', fileName: 'C:\\Users\\me\\coco_val2017_000000039769.jpg' },
    { key: 'coco-name', fileName: 'val2017/000000039769.jpg' },
    { key: 'bare-id', fileName: '39769.webp' },
    { key: 'other-coco', fileName: 'coco_val2017_000000000139.jpg' },
    { key: 'phone', fileName: 'IMG_2017.jpg' },
  ];
  const imported = importCocoAnnotations(instances, table, dropped);

  it('gives the annotated categories as CHAIR ground truth', () => {
    expect(imported.annotatedImages).toBe(1);
    expect([...imported.matches.get('exact')!.objects].sort()).toEqual(['bed', 'cat', 'couch', 'remote']);
  });

  it('matches by file name, by name without extension, then by the COCO id in the name', () => {
    const rules = Object.fromEntries([...imported.matches].map(([k, m]) => [k, [m.cocoId, m.matchedBy]]));
    expect(rules).toEqual({
      exact: [39769, 'file-name'],
      reencoded: [39769, 'file-stem'],
      'coco-name': [39769, 'numeric-id'],
      'bare-id': [39769, 'numeric-id'],
    });
    expect(imported.unmatched.map((d) => d.key)).toEqual(['other-coco', 'phone']);
  });

  it('feeds CHAIR with the captions of matched images only', () => {
    const captions = new Map([
      ['exact', 'two cats lying on a sofa next to a remote'],
      ['coco-name', 'a cat and a dog on a couch'],
      ['phone', 'a dog in a park'],
    ]);
    const input = chairCaptionsFor(imported, captions);
    expect(input).toEqual([
      { imageId: 39769, caption: 'two cats lying on a sofa next to a remote' },
      { imageId: 39769, caption: 'a cat and a dog on a couch' },
    ]);
    const chair = computeChair(
      input,
      {
        objectsByImageId: new Map([[39769, imported.matches.get('exact')!.objects]]),
        imageIdByFileName: new Map(),
      },
      table,
    );
    // cat, couch (sofa), remote | cat, dog, couch: one hallucinated mention (dog) of six, in one caption of two.
    expect(chair.mentions).toBe(6);
    expect(chair.hallucinatedMentions).toBe(1);
    expect(chair.chairI).toBeCloseTo(1 / 6, 12);
    expect(chair.chairS).toBe(0.5);
  });
});

describe('matchCocoImages edge cases', () => {
  it('prefers the file name over a conflicting id in the name, and leaves an ambiguous stem unmatched', () => {
    const truth: CocoGroundTruth = {
      objectsByImageId: new Map([
        [5, new Set(['dog'])],
        [123456, new Set(['cat'])],
        [7, new Set()],
        [8, new Set()],
      ]),
      imageIdByFileName: new Map([
        ['renamed_000000123456.jpg', 5],
        ['x.jpg', 7],
        ['x.png', 8],
      ]),
    };
    const result = matchCocoImages(truth, [
      { key: 'a', fileName: 'renamed_000000123456.jpg' },
      { key: 'b', fileName: 'x.webp' },
      { key: 'c', fileName: 'x.png' },
    ]);
    expect(result.matches.get('a')).toMatchObject({ cocoId: 5, matchedBy: 'file-name' });
    expect(result.matches.has('b')).toBe(false);
    expect(result.matches.get('c')).toMatchObject({ cocoId: 8, matchedBy: 'file-name' });
  });
});
