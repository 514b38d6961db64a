import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CocoFile } from '../../../scripts/lib/coco-subset';
import {
  asCocoFile,
  candidateImages,
  chooseImages,
  DataCocoUsageError,
  parseDataCocoArgs,
  subsetCocoFile,
} from '../../../scripts/lib/coco-subset';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'coco-download');
const json = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURE, name), 'utf8'));
const instances = asCocoFile(json('instances_val2017.json'), 'instances', true);
const captions = asCocoFile(json('captions_val2017.json'), 'captions', false);
/** The fixture's distinct categories per image (make-fixture.py). */
const CATEGORIES_OF: Record<number, number> = { 139: 3, 285: 1, 632: 2, 724: 0, 776: 3, 785: 1 };
const pick = (count: number, seed: number, minCategories = 0, file: CocoFile = instances) =>
  chooseImages(file, { split: 'val2017', count, seed, minCategories }).map((im) => im.id);

describe('parseDataCocoArgs', () => {
  const base = ['--split', 'val2017', '--count', '3', '--out', 'out'];

  it('reads the flags, with seed 1 and any number of categories by default', () => {
    expect(parseDataCocoArgs(base)).toEqual({
      split: 'val2017',
      count: 3,
      out: 'out',
      seed: 1,
      minCategories: 0,
    });
    expect(
      parseDataCocoArgs([...base, '--seed', '0', '--min-categories', '2', '--annotations', 'a.zip']),
    ).toEqual({ split: 'val2017', count: 3, out: 'out', seed: 0, minCategories: 2, annotations: 'a.zip' });
  });

  it.each([
    [['--split', 'val2017', '--count', '3'], /^--out required\./],
    [['--out', 'x'], /^--split, --count required\./],
    [
      ['--split', 'val2014', '--count', '3', '--out', 'x'],
      /^--split val2014: unknown split; choose from val2017, train2017\.$/,
    ],
    [[...base.slice(0, 2), '--count', '0', '--out', 'x'], /^--count 0 is not a whole number ≥ 1\./],
    [[...base.slice(0, 2), '--count', '2.5', '--out', 'x'], /^--count 2\.5 is not a whole number ≥ 1\./],
    [[...base, '--seed', 'abc'], /^--seed abc is not a whole number ≥ 0\./],
    [[...base, '--min-categories=-1'], /^--min-categories -1 is not a whole number ≥ 0\./],
    [[...base, '--size', '5'], /Unknown option '--size'/],
    [[...base, '--seed'], /--seed/],
  ])('%j: %s', (argv, message) => {
    const error = (() => {
      try {
        parseDataCocoArgs(argv);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DataCocoUsageError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('asCocoFile', () => {
  it('names what a file lacks', () => {
    expect(() => asCocoFile({ images: [] }, 'x.json', true)).toThrow(
      'x.json: expected COCO JSON with images and annotations',
    );
    expect(() => asCocoFile({ images: [], annotations: [] }, 'x.json', true)).toThrow(
      'x.json: no categories',
    );
    // A file_name with a path would write outside DIR/images/.
    expect(() =>
      asCocoFile({ images: [{ id: 1, file_name: '../000000000001.jpg' }], annotations: [] }, 'x.json', false),
    ).toThrow(/x\.json: image .* lacks a numeric id or a COCO file_name/);
    expect(() =>
      asCocoFile({ images: [], annotations: [{ image_id: 1 }], categories: [] }, 'x.json', true),
    ).toThrow(/x\.json: annotation .* lacks image_id or category_id/);
  });
});

describe('candidateImages / chooseImages', () => {
  it('counts distinct categories per image, crowd regions included', () => {
    for (const k of [0, 1, 2, 3, 4])
      expect(candidateImages(instances, k).map((im) => im.id)).toEqual(
        Object.keys(CATEGORIES_OF)
          .map(Number)
          .filter((id) => CATEGORIES_OF[id]! >= k),
      );
  });

  it('is fixed by the seed: the same seed the same images, pinned so that a published folder can be remade', () => {
    expect(pick(3, 1)).toEqual(pick(3, 1));
    // Changing these means every folder made with a seed changes; only on purpose.
    expect(pick(3, 1)).toEqual([776, 285, 785]);
    expect(pick(6, 1).sort()).toEqual([139, 285, 632, 724, 776, 785]);
    const bySeed = new Set([0, 1, 2, 3, 4].map((seed) => pick(3, seed).join()));
    expect(bySeed.size).toBeGreaterThan(1);
  });

  it('does not depend on the order of the file, and a larger count keeps a smaller one', () => {
    const reversed = { ...instances, images: [...instances.images].reverse() };
    expect(pick(4, 7, 0, reversed)).toEqual(pick(4, 7));
    for (let n = 1; n < 6; n++) expect(pick(n + 1, 7).slice(0, n)).toEqual(pick(n, 7));
  });

  it('draws only images with at least --min-categories categories', () => {
    const chosen = pick(3, 5, 2);
    expect(chosen).toHaveLength(3);
    for (const id of chosen) expect(CATEGORIES_OF[id]).toBeGreaterThanOrEqual(2);
  });

  it('says how many images there are when --count asks for more', () => {
    expect(() => pick(7, 1)).toThrow(
      new DataCocoUsageError('--count 7: val2017 is too small (it has 6 images).'),
    );
    expect(() => pick(4, 1, 2)).toThrow(
      new DataCocoUsageError('--count 4: val2017 is too small (3 of its 6 images have ≥ 2 categories).'),
    );
  });
});

describe('subsetCocoFile', () => {
  it("keeps the chosen images' records in the file's order, every category and license, and says what it is", () => {
    const chosen = new Set([776, 139]);
    const out = subsetCocoFile(instances, chosen, 'two images');
    expect(out.images.map((im) => im.id)).toEqual([139, 776]);
    expect(out.images[0]).toEqual(instances.images[0]);
    expect(out.annotations).toEqual(instances.annotations.filter((a) => chosen.has(a.image_id)));
    expect(out.annotations).toHaveLength(7);
    expect(out.categories).toEqual(instances.categories);
    expect(out.licenses).toEqual(instances.licenses);
    expect(out.info).toEqual({ ...instances.info, description: 'two images' });
    const caps = subsetCocoFile(captions, chosen, 'two images');
    expect(caps.annotations.map((a) => a.image_id)).toEqual([139, 139, 776, 776]);
    expect('categories' in caps).toBe(false);
  });
});
