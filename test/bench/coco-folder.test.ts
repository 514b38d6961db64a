/** Reading a folder in standard COCO layout, and the simple/complex split. */
import { describe, expect, it } from 'vitest';
import { CocoFolderError, complexityOf, readCocoFolder } from '../../bench/lib/coco-folder';
import { CHAIR_SYNONYMS } from '../../src/lib/vocabulary/chair-synonyms';

const INSTANCES = {
  images: [
    { id: 1, file_name: '000000000001.jpg', width: 640, height: 480 },
    { id: 2, file_name: '000000000002.jpg', width: 320, height: 240 },
  ],
  annotations: [
    { image_id: 1, category_id: 18, bbox: [10, 20, 30, 40], iscrowd: 0 },
    { image_id: 1, category_id: 1, bbox: [0, 0, 100, 200], iscrowd: 1 },
    { image_id: 1, category_id: 4, bbox: [5, 5, 10, 10], iscrowd: 0 },
  ],
  categories: [
    { id: 1, name: 'person' },
    { id: 4, name: 'motorcycle' },
    { id: 18, name: 'dog' },
  ],
};
const CAPTIONS = { annotations: [{ image_id: 1, caption: ' A dog and a motorbike. ' }] };

describe('readCocoFolder', () => {
  it('reads categories, boxes without crowds, and trimmed captions per image', () => {
    const [one, two] = readCocoFolder(INSTANCES, CAPTIONS, CHAIR_SYNONYMS);
    expect(one!.present).toEqual(new Set(['dog', 'person', 'motorcycle']));
    expect(one!.boxes).toEqual([
      { category: 'dog', box: { x1: 10, y1: 20, x2: 40, y2: 60 } },
      { category: 'motorcycle', box: { x1: 5, y1: 5, x2: 15, y2: 15 } },
    ]);
    expect(one!.captions).toEqual(['A dog and a motorbike.']);
    expect(two).toMatchObject({ fileName: '000000000002.jpg', captions: [], boxes: [] });
    expect(two!.present.size).toBe(0);
  });

  it('says which file is wrong', () => {
    expect(() => readCocoFolder({ images: [] }, CAPTIONS, CHAIR_SYNONYMS)).toThrow(/instances.json/);
    expect(() => readCocoFolder(INSTANCES, {}, CHAIR_SYNONYMS)).toThrow(/captions.json/);
    const bad = { ...INSTANCES, annotations: [{ image_id: 1, category_id: 99, bbox: [0, 0, 1, 1] }] };
    expect(() => readCocoFolder(bad, CAPTIONS, CHAIR_SYNONYMS)).toThrow(CocoFolderError);
  });
});

describe('complexityOf', () => {
  it('calls ≤ 2 categories simple and ≥ 4 complex', () => {
    const of = (n: number) =>
      complexityOf({ present: new Set(Array.from({ length: n }, (_, i) => `c${i}`)) });
    expect([0, 2, 3, 4, 7].map(of)).toEqual(['simple', 'simple', 'middle', 'complex', 'complex']);
  });
});
