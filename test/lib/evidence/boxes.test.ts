import { describe, expect, it } from 'vitest';
import {
  boxArea,
  boxFromCorners,
  boxFromXywh,
  boxToCorners,
  clipBox,
  intersectionOverSmaller,
  iou,
} from '../../../src/lib/evidence/boxes';

const b = (x1: number, y1: number, x2: number, y2: number) => ({ x1, y1, x2, y2 });

describe('box overlap', () => {
  it('computes IoU of partly overlapping boxes exactly', () => {
    // 10×10 boxes shifted by 5: intersection 50, union 150.
    expect(iou(b(0, 0, 10, 10), b(5, 0, 15, 10))).toBeCloseTo(1 / 3, 12);
    expect(iou(b(0, 0, 10, 10), b(0, 0, 10, 10))).toBe(1);
    expect(iou(b(0, 0, 10, 10), b(10, 0, 20, 10))).toBe(0);
    expect(iou(b(0, 0, 0, 0), b(0, 0, 0, 0))).toBe(0);
  });

  it('measures intersection over the smaller box: 1 when nested', () => {
    expect(intersectionOverSmaller(b(0, 0, 100, 100), b(10, 10, 30, 30))).toBe(1);
    expect(intersectionOverSmaller(b(0, 0, 10, 10), b(5, 0, 25, 10))).toBe(0.5);
  });

  it('converts COCO xywh and Florence corners, clips and rounds', () => {
    expect(boxFromXywh([17.5, 54.38, 301.25, 415])).toEqual(b(17.5, 54.38, 318.75, 469.38));
    expect(boxFromCorners([1, 2, 3, 4])).toEqual(b(1, 2, 3, 4));
    expect(clipBox(b(-4, 10, 700, 500), b(0, 0, 640, 480))).toEqual(b(0, 10, 640, 480));
    expect(boxToCorners(b(1.26, 2.5, 3.74, 4), 1)).toEqual([1.3, 2.5, 3.7, 4]);
    expect(boxArea(b(5, 5, 2, 9))).toBe(0);
  });
});
