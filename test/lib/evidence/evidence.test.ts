import { describe, expect, it } from 'vitest';
import { buildEvidence, categoriesIn, labelCategory } from '../../../src/lib/evidence/evidence';
import { FlorenceResultError, readFlorenceBoxes, readFlorenceText } from '../../../src/lib/evidence/florence';
import {
  FIXTURE_IMAGES,
  fixtureEvidence,
  florenceResults,
  loadFixture,
  table,
} from '../critic/helpers/florence-fixtures';

describe('Florence-2 results', () => {
  it('reads every fixture in post_process_generation shapes', () => {
    for (const stem of FIXTURE_IMAGES) {
      const f = loadFixture(stem);
      expect(f.note).toMatch(/^Hand-written, not model output/);
      const od = readFlorenceBoxes(f.objectDetection, '<OD>');
      expect(od.length).toBeGreaterThan(0);
      for (const { box } of od) {
        expect(box.x1).toBeGreaterThanOrEqual(0);
        expect(box.x2).toBeLessThanOrEqual(f.width);
        expect(box.y2).toBeLessThanOrEqual(f.height);
        // Florence-2 coordinates sit at bin centres: (bin + 0.5) / 1000 × size.
        const bin = (box.x1 / f.width) * 1000 - 0.5;
        expect(Math.abs(bin - Math.round(bin))).toBeLessThan(0.02);
      }
      expect(readFlorenceText(f.moreDetailedCaption, '<MORE_DETAILED_CAPTION>').length).toBeGreaterThan(50);
    }
  });

  it('rejects results of the wrong shape', () => {
    expect(() => readFlorenceBoxes({ '<OD>': { labels: ['cat'], bboxes: [] } }, '<OD>')).toThrow(
      FlorenceResultError,
    );
    expect(() => readFlorenceBoxes({ '<OD>': { labels: ['cat'], bboxes: [[1, 2, 3]] } }, '<OD>')).toThrow(
      /bbox 0/,
    );
    expect(() => readFlorenceBoxes({ '<DENSE_REGION_CAPTION>': {} }, '<OD>')).toThrow(/<OD>/);
    expect(() => readFlorenceText({ '<MORE_DETAILED_CAPTION>': 7 }, '<MORE_DETAILED_CAPTION>')).toThrow(
      /not text/,
    );
  });
});

describe('buildEvidence', () => {
  it("maps Florence-2's labels to COCO categories and keeps the others as they are", () => {
    expect(labelCategory('remote control', table)).toBe('remote');
    expect(labelCategory('television', table)).toBe('tv');
    expect(labelCategory('houseplant', table)).toBe('potted plant');
    expect(labelCategory('woman', table)).toBe('person');
    expect(labelCategory('fireplace', table)).toBeUndefined();
    const e = fixtureEvidence('coco_val2017_000000000139');
    const labels = e.objects.map((o) => o.label);
    expect(labels).toEqual(
      expect.arrayContaining(['tv', 'person', 'chair', 'dining table', 'potted plant', 'fireplace']),
    );
    expect(e.objects.find((o) => o.label === 'fireplace')!.isCoco).toBe(false);
    expect(e.objects.filter((o) => o.label === 'chair')).toHaveLength(3);
  });

  it('merges Florence-2 <OD> boxes with detector boxes of the same object', () => {
    const e = fixtureEvidence('coco_val2017_000000039769', [
      {
        label: 'cat',
        box: { x1: 341, y1: 33, x2: 640, y2: 358 },
        score: 0.82,
        zoom: 1,
        cropId: 'z1-r0-c0',
        source: 'fastestdet',
        cut: false,
      },
    ]);
    const cats = e.objects.filter((o) => o.label === 'cat');
    expect(cats).toHaveLength(2);
    expect(cats.find((c) => c.sources.length === 2)!.sources).toEqual(['fastestdet', 'florence-od']);
  });

  it('maps region descriptions from crops to image pixels and reads their objects', () => {
    const e = fixtureEvidence('coco_val2017_000000039769');
    const collar = e.regions.find((r) => r.text === 'cat with a green collar')!;
    // Written in the 2×2 crop at (0, 0); that crop's pixels are the image's.
    expect(collar).toMatchObject({ cropId: 'z2-r0-c0', zoom: 2, categories: ['cat'] });
    const remote = e.regions.find((r) => r.text === 'grey remote control' && r.cropId === 'z2-r0-c1')!;
    // Same remote in the whole image and in the crop starting at x = 274: the same image box, to a bin.
    const whole = e.regions.find((r) => r.text === 'grey remote control' && r.cropId === 'z1-r0-c0')!;
    expect(Math.abs(remote.box.x1 - whole.box.x1)).toBeLessThan(1);
    expect(Math.abs(remote.box.y2 - whole.box.y2)).toBeLessThan(1);
    expect(e.detailedCaptionCategories).toEqual(['cat', 'couch', 'remote']);
    expect(e.grounding!.phrases.map((g) => g.categories)).toEqual([['dog'], ['couch'], ['remote']]);
  });

  it('works with Florence-2 results missing', () => {
    const e = buildEvidence({ imageWidth: 10, imageHeight: 10, detections: [] }, table);
    expect(e).toMatchObject({ objects: [], regions: [], detailedCaption: null, grounding: null });
    expect(categoriesIn('', table)).toEqual([]);
    expect(florenceResults(loadFixture('coco_val2014_000000579664')).denseRegions).toHaveLength(1);
  });
});
