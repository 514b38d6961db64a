import { describe, expect, it } from 'vitest';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';
import { extractObjectPhrases } from '../../../src/lib/vocabulary/object-phrases';
import type { CaptionObject } from '../../../src/lib/scenes/captions';
import { sceneCaptions } from '../../../src/lib/scenes/captions';
import { planScenes, sceneObjects, splitFiles } from '../../../src/lib/scenes/generate';
import { SceneRandom } from '../../../src/lib/scenes/random';
import { tinyRequest } from './helpers';

/** Category → count, as the studio's critic reads a caption (every phrase must claim an exact count). */
function readBack(caption: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of extractObjectPhrases(caption, CHAIR_SYNONYMS)) {
    if (p.count.kind !== 'exact') throw new Error(`"${p.text}" in "${caption}" claims no exact count`);
    counts.set(p.category, (counts.get(p.category) ?? 0) + p.count.n);
  }
  return counts;
}

function truth(objects: readonly CaptionObject[], name: (id: number) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(name(o.categoryId), (counts.get(name(o.categoryId)) ?? 0) + 1);
  return counts;
}

// Every COCO category the generator may be asked for, by its official name (COCO ids are irrelevant here).
const NAMES = [
  'person',
  'bicycle',
  'car',
  'motorcycle',
  'airplane',
  'bus',
  'train',
  'truck',
  'boat',
  'bird',
  'cat',
  'dog',
  'horse',
  'sheep',
  'cow',
  'elephant',
  'bear',
  'zebra',
  'giraffe',
  'umbrella',
  'bench',
  'toilet',
  'tv',
  'couch',
  'chair',
  'potted plant',
  'dining table',
  'cup',
  'bowl',
  'sink',
  'oven',
  'refrigerator',
  'teddy bear',
  'clock',
  'pizza',
  'laptop',
  'book',
  'vase',
  'bottle',
  'banana',
  'stop sign',
];

describe('scene captions', () => {
  it('name exactly the ground truth categories with their counts, in every phrasing', () => {
    const random = new SceneRandom(11);
    const name = (id: number) => NAMES[id]!;
    const phrasings = new Set<string>();
    for (let scene = 0; scene < 400; scene++) {
      const n = 1 + (scene % 6);
      const objects = Array.from({ length: n }, () => ({
        categoryId: random.int(0, scene % 3 === 0 ? 2 : NAMES.length - 1),
        bbox: [random.int(0, 150), random.int(0, 150), random.int(10, 70), random.int(10, 70)],
      }));
      const expected = truth(objects, name);
      for (const caption of sceneCaptions(objects, name, random)) {
        expect(readBack(caption), caption).toEqual(expected);
        phrasings.add(caption.replace(/^(\w+ \w+).*/, '$1'));
      }
    }
    // Several phrasings, relations among them.
    expect(phrasings.size).toBeGreaterThan(5);
  });

  it('use relations when two objects are side by side or stacked', () => {
    const name = (id: number) => ['cup', 'toilet'][id]!;
    const sideBySide = [
      { categoryId: 0, bbox: [10, 50, 30, 30] },
      { categoryId: 1, bbox: [120, 40, 60, 80] },
    ];
    const stacked = [
      { categoryId: 0, bbox: [110, 20, 40, 35] },
      { categoryId: 1, bbox: [100, 50, 60, 100] },
    ];
    const all = (objects: CaptionObject[]) =>
      Array.from({ length: 30 }, (_, seed) => sceneCaptions(objects, name, new SceneRandom(seed), 3)).flat();
    expect(all(sideBySide)).toContain('A cup to the left of a toilet.');
    expect(all(sideBySide)).toContain('A toilet to the right of a cup.');
    expect(all(sideBySide).some((c) => / on a | under /.test(c))).toBe(false);
    expect(all(stacked)).toContain('A cup on a toilet.');
    expect(all(stacked)).toContain('A toilet under a cup.');
    expect(all(stacked).some((c) => /left|right/.test(c))).toBe(false);
  });

  it("captions.json of generated scenes agree with the same scenes' instances.json", () => {
    const request = tinyRequest({ train: 30, complex: 10, bias: 10 });
    const planned = planScenes(request);
    for (const { plans } of planned.splits) {
      const files = splitFiles(plans, request.options, planned.categories, 'png');
      const names = new Map(planned.categories.map((c) => [c.id, c.name]));
      for (const plan of plans) {
        const expected = truth(sceneObjects(plan, request.options.size), (id) => names.get(id)!);
        const captions = files.captions.annotations.filter((a) => a.image_id === plan.index + 1);
        expect(captions.length).toBeGreaterThan(0);
        for (const c of captions) expect(readBack(c.caption), c.caption).toEqual(expected);
      }
    }
  });
});
