import { describe, expect, it } from 'vitest';
import { DEFAULT_MERGE_SETTINGS, classWiseNms, mergeDetections } from '../../../src/lib/evidence/merge';
import { det } from './helpers/placed-detection';

const NMS = { ...DEFAULT_MERGE_SETTINGS, method: 'nms' as const };

describe('mergeDetections', () => {
  it('merges the same cat seen at three zoom levels and remembers them all', () => {
    const merged = mergeDetections([
      det('cat', [340, 30, 640, 360], 0.82, 1),
      det('cat', [330, 20, 640, 350], 0.9, 2, { cropId: 'z2-r0-c1' }),
      det('cat', [350, 35, 630, 365], 0.7, 3, { cropId: 'z3-r0-c2', source: 'florence-od' }),
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ label: 'cat', zoomLevels: [1, 2, 3], support: 3, whole: true });
    expect(merged[0]!.sources).toEqual(['fastestdet', 'florence-od']);
    expect(merged[0]!.cropIds).toEqual(['z1-r0-c0', 'z2-r0-c1', 'z3-r0-c2']);
  });

  it('fuses boxes by score (WBF) or keeps the best one (NMS)', () => {
    const input = [det('dog', [0, 0, 100, 100], 0.75, 1), det('dog', [10, 0, 110, 100], 0.25, 2)];
    const wbf = mergeDetections(input)[0]!;
    expect(wbf.box.x1).toBeCloseTo(2.5, 12); // (0.75·0 + 0.25·10) / 1
    expect(wbf.box.x2).toBeCloseTo(102.5, 12);
    expect(wbf.score).toBeCloseTo(0.5, 12); // mean score
    const nms = mergeDetections(input, NMS)[0]!;
    expect(nms.box).toEqual({ x1: 0, y1: 0, x2: 100, y2: 100 });
    expect(nms.score).toBe(0.75);
  });

  it('never merges different classes, nor far-apart boxes of one class', () => {
    const merged = mergeDetections([
      det('cat', [0, 0, 100, 100], 0.8, 1),
      det('dog', [0, 0, 100, 100], 0.7, 1),
      det('cat', [300, 0, 400, 100], 0.6, 1),
    ]);
    expect(merged.map((m) => m.label)).toEqual(['cat', 'dog', 'cat']);
  });

  it('joins a box cut by a crop edge to the whole object even though their IoU is small', () => {
    // Half a cat from a 3×3 crop (IoU with the whole cat 0.45 < 0.5), cut at the crop's inner edge.
    const whole = det('cat', [0, 50, 330, 390], 0.8, 1);
    const half = det('cat', [50, 70, 256, 330], 0.9, 3, { cut: true, cropId: 'z3-r0-c0' });
    const merged = mergeDetections([half, whole]);
    expect(merged).toHaveLength(1);
    // The cut half did not move the box: only the uncut view defines the extent.
    expect(merged[0]!.box).toEqual(whole.box);
    expect(merged[0]!.zoomLevels).toEqual([1, 3]);
    // Without the cut flag the two stay apart (and the half would count as a second cat).
    expect(mergeDetections([{ ...half, cut: false, zoom: 1 }, whole])).toHaveLength(2);
  });

  it('absorbs a close-up part (head, paws) into the object seen at a coarser zoom', () => {
    const whole = det('cat', [341, 33, 640, 358], 0.82, 1);
    const paws = det('cat', [495, 243, 583, 315], 0.75, 3);
    expect(mergeDetections([whole, paws])).toHaveLength(1);
    // A same-size neighbour at the same zoom is a second cat, not a part.
    expect(mergeDetections([whole, det('cat', [495, 243, 583, 315], 0.75, 1)])).toHaveLength(2);
    // Turning the rule off keeps the part apart.
    expect(
      mergeDetections([whole, paws], { ...DEFAULT_MERGE_SETTINGS, partOverlapThreshold: 1.01 }),
    ).toHaveLength(2);
  });

  it('reports objects seen only cut as not whole', () => {
    const merged = mergeDetections([
      det('bed', [3, 206, 366, 470], 0.72, 2, { cut: true }),
      det('bed', [15, 145, 256, 336], 0.67, 3, { cut: true }),
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.whole).toBe(false);
  });

  it('sorts by score and is independent of input order', () => {
    const input = [
      det('a', [0, 0, 10, 10], 0.5, 1),
      det('b', [0, 0, 10, 10], 0.9, 1),
      det('a', [1, 1, 11, 11], 0.7, 2),
    ];
    const forward = mergeDetections(input);
    expect(forward.map((m) => m.label)).toEqual(['b', 'a']);
    expect(mergeDetections([...input].reverse())).toEqual(forward);
  });
});

describe('classWiseNms', () => {
  it('drops a box whose IoU with a better one of its class exceeds the threshold', () => {
    const a = { label: 'cat', box: { x1: 0, y1: 0, x2: 10, y2: 10 }, score: 0.9 };
    const b = { label: 'cat', box: { x1: 1, y1: 0, x2: 11, y2: 10 }, score: 0.8 }; // IoU 9/11 = 0.82
    const c = { label: 'dog', box: { x1: 1, y1: 0, x2: 11, y2: 10 }, score: 0.7 };
    const d = { label: 'cat', box: { x1: 5, y1: 0, x2: 15, y2: 10 }, score: 0.6 }; // IoU with a: 1/3
    expect(classWiseNms([d, c, b, a], 0.45)).toEqual([a, c, d]);
  });
});
