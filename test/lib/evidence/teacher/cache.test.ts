/**
 * The teacher's cache keys against the sliding windows' overlap (a setting): windows planned with another overlap
 * are other pixels, so their detector and Florence-2 answers must not come from the cache; the whole image
 * (zoom 1) is the same pixels whatever the overlap, and is reused.
 */
import { describe, expect, it } from 'vitest';
import { planCrops } from '../../../../src/lib/evidence/crops';
import type { DetectorInput, RegionDetection, RegionDetector } from '../../../../src/lib/evidence/detector';
import {
  MemoryTeacherCache,
  detectorCacheKey,
  florenceCacheKey,
} from '../../../../src/lib/evidence/teacher/cache';
import { gatherEvidence } from '../../../../src/lib/evidence/teacher/evidence-path';
import type { TeacherSettings } from '../../../../src/lib/evidence/teacher/types';
import { DEFAULT_TEACHER_SETTINGS } from '../../../../src/lib/evidence/teacher/types';
import { CHAIR_SYNONYMS } from '../../../../src/lib/vocabulary/chair-synonyms';

const IMAGE = { imageId: 'sha-1', width: 640, height: 480 };
const GRIDS = [1, 2, 3];

class CountingDetector implements RegionDetector {
  readonly id = 'fake-det@1';
  readonly source = 'fastestdet';
  crops = 0;
  async detect(inputs: readonly DetectorInput[]): Promise<RegionDetection[][]> {
    this.crops += inputs.length;
    return inputs.map(() => [{ label: 'cat', score: 0.9, box: { x1: 0.2, y1: 0.2, x2: 0.8, y2: 0.8 } }]);
  }
}

describe('teacher cache keys and the overlap setting', () => {
  it('keys every window of another overlap apart, except the whole image', async () => {
    const keysAt = async (overlap: number) => {
      const crops = planCrops(IMAGE.width, IMAGE.height, { grids: GRIDS, overlap });
      const generation = { maxNewTokens: 256, numBeams: 3 };
      const model = { modelId: 'florence', revision: 'r1' };
      return Promise.all(
        crops.map(async (crop) => ({
          zoom: crop.zoom,
          detector: await detectorCacheKey(IMAGE, 'det', crop),
          florence: await florenceCacheKey(IMAGE, model, '<DENSE_REGION_CAPTION>', crop, generation, ''),
        })),
      );
    };
    const [quarter, half] = await Promise.all([keysAt(0.25), keysAt(0.5)]);
    expect(quarter).toHaveLength(14);
    expect(half).toHaveLength(14);
    const wholeQ = quarter.filter((k) => k.zoom === 1);
    const wholeH = half.filter((k) => k.zoom === 1);
    expect(wholeH).toEqual(wholeQ);
    const windows = (ks: typeof quarter, kind: 'detector' | 'florence') =>
      new Set(ks.filter((k) => k.zoom > 1).map((k) => k[kind]));
    for (const kind of ['detector', 'florence'] as const) {
      const q = windows(quarter, kind);
      expect(q.size).toBe(13);
      expect([...windows(half, kind)].filter((k) => q.has(k))).toEqual([]);
    }
  });

  it('runs the detector again on every window after the overlap changes, reusing only the whole image', async () => {
    const cache = new MemoryTeacherCache();
    const detector = new CountingDetector();
    const deps = { detector, florence: null, cache, table: CHAIR_SYNONYMS };
    const request = [
      {
        imageId: 'sha-1',
        image: { width: 64, height: 48, channels: 3 as const, data: new Uint8Array(64 * 48 * 3) },
        caption: null,
      },
    ];
    const at = (overlap: number): TeacherSettings => ({
      ...DEFAULT_TEACHER_SETTINGS,
      crops: { grids: GRIDS, overlap },
    });
    const runs = async (overlap: number) => {
      const [out] = await gatherEvidence(request, deps, at(overlap));
      if (!out?.ok) throw new Error('expected evidence');
      return out.result.stats.detectorRuns;
    };
    expect(await runs(0.25)).toBe(14);
    expect(await runs(0.25)).toBe(0);
    expect(await runs(0.5)).toBe(13);
    expect(await runs(0.25)).toBe(0);
    expect(detector.crops).toBe(27);
  });
});
