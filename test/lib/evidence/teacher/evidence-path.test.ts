/**
 * The orchestrator with a fake detector and a fake Florence-2 runtime (fast, exact): batching of crops across
 * images, per-task failures recorded and not cached, settings validated, progress reported.
 */
import { describe, expect, it } from 'vitest';
import type { DetectorInput, RegionDetection, RegionDetector } from '../../../../src/lib/evidence/detector';
import { MemoryTeacherCache } from '../../../../src/lib/evidence/teacher/cache';
import { gatherEvidence } from '../../../../src/lib/evidence/teacher/evidence-path';
import type { FlorenceRuntime, VisionFeatures } from '../../../../src/lib/evidence/teacher/florence-runtime';
import type {
  EvidenceProgress,
  FlorenceTask,
  TeacherSettings,
} from '../../../../src/lib/evidence/teacher/types';
import { DEFAULT_TEACHER_SETTINGS } from '../../../../src/lib/evidence/teacher/types';
import { CHAIR_SYNONYMS } from '../../../../src/lib/vocabulary/chair-synonyms';

const table = CHAIR_SYNONYMS;

/** Sees a cat in the middle of every crop; records the batch sizes it was called with. */
class FakeDetector implements RegionDetector {
  readonly id = 'fake-det@1';
  readonly source = 'fastestdet';
  readonly batches: number[] = [];
  async detect(inputs: readonly DetectorInput[]): Promise<RegionDetection[][]> {
    this.batches.push(inputs.length);
    return inputs.map(() => [{ label: 'cat', score: 0.9, box: { x1: 0.25, y1: 0.25, x2: 0.75, y2: 0.75 } }]);
  }
}

/** Answers every task in post_process_generation's shapes; `failOn` tasks throw. */
class FakeFlorence implements FlorenceRuntime {
  readonly modelId = 'fake-florence';
  readonly revision = 'r1';
  readonly dtypes = {
    embed_tokens: 'fp32',
    vision_encoder: 'fp32',
    encoder_model: 'fp32',
    decoder_model_merged: 'fp32',
  } as const;
  readonly encodeBatches: number[] = [];
  readonly runs: string[] = [];
  released = 0;
  constructor(public failOn: ReadonlySet<FlorenceTask> = new Set()) {}
  async encodeImages(images: readonly { width: number; height: number }[]): Promise<VisionFeatures[]> {
    this.encodeBatches.push(images.length);
    return images.map((i) => ({ width: i.width, height: i.height }));
  }
  async run(task: FlorenceTask, f: VisionFeatures, text: string) {
    this.runs.push(`${task}${text}@${f.width}x${f.height}`);
    if (this.failOn.has(task)) throw new Error(`${task} broke`);
    const box = [1, 1, f.width - 1, f.height - 1];
    const result =
      task === '<MORE_DETAILED_CAPTION>'
        ? { [task]: 'A cat lying on a couch.' }
        : { [task]: { labels: [task === '<OD>' ? 'cat' : 'a cat'], bboxes: [box] } };
    return { result, text: 'x', newTokens: 3 };
  }
  release(list: readonly VisionFeatures[]): void {
    this.released += list.length;
  }
  async dispose(): Promise<void> {}
}

const raster = (w: number, h: number) => ({
  width: w,
  height: h,
  channels: 3 as const,
  data: new Uint8Array(w * h * 3),
});
const SETTINGS: TeacherSettings = { ...DEFAULT_TEACHER_SETTINGS, visionBatch: 4, detectorBatch: 10 };

describe('gatherEvidence', () => {
  it('batches detector crops across images and vision encodings across crops', async () => {
    const detector = new FakeDetector();
    const florence = new FakeFlorence();
    const progress: EvidenceProgress[] = [];
    const outcomes = await gatherEvidence(
      [
        { imageId: 'a', image: raster(64, 48), caption: 'a cat' },
        { imageId: 'b', image: raster(40, 40), caption: null },
      ],
      { detector, florence, cache: new MemoryTeacherCache(), table },
      SETTINGS,
      { onProgress: (p) => progress.push(p) },
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
    // 2 × 14 crops in chunks of 10, across both images.
    expect(detector.batches).toEqual([10, 10, 8]);
    // 14 crops per image, 4 per vision call; the whole image is encoded once for its three tasks.
    expect(florence.encodeBatches).toEqual([4, 4, 4, 2, 4, 4, 4, 2]);
    expect(florence.released).toBe(28);
    // Grounding only where there is a caption: 17 jobs for a, 16 for b.
    expect(florence.runs.filter((r) => r.startsWith('<CAPTION_TO_PHRASE_GROUNDING>'))).toEqual([
      '<CAPTION_TO_PHRASE_GROUNDING>a cat@64x48',
    ]);
    expect(florence.runs).toHaveLength(33);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ imageId: 'b', stage: 'done', completedImages: 2, totalImages: 2 });
  });

  it('records a failed task, builds the evidence from the rest, and retries it next time (failures are not cached)', async () => {
    const cache = new MemoryTeacherCache();
    const florence = new FakeFlorence(new Set<FlorenceTask>(['<MORE_DETAILED_CAPTION>']));
    const deps = { detector: new FakeDetector(), florence, cache, table };
    const request = [{ imageId: 'a', image: raster(64, 48), caption: 'a cat' }];
    const [first] = await gatherEvidence(request, deps, SETTINGS);
    if (!first?.ok) throw new Error('expected evidence');
    expect(first.result.failures).toEqual([
      {
        task: '<MORE_DETAILED_CAPTION>',
        cropId: 'z1-r0-c0',
        name: 'Error',
        message: '<MORE_DETAILED_CAPTION> broke',
      },
    ]);
    expect(first.result.evidence.detailedCaption).toBeNull();
    expect(first.result.evidence.objects.map((o) => o.label)).toContain('cat');
    florence.failOn = new Set();
    florence.runs.length = 0;
    const [second] = await gatherEvidence(request, deps, SETTINGS);
    if (!second?.ok) throw new Error('expected evidence');
    expect(florence.runs).toEqual(['<MORE_DETAILED_CAPTION>@64x48']);
    expect(second.result.evidence.detailedCaption).toBe('A cat lying on a couch.');
    expect(second.result.failures).toEqual([]);
  });

  it('runs only the tasks and zoom levels asked for, and refuses settings that do not fit together', async () => {
    const florence = new FakeFlorence();
    const settings: TeacherSettings = {
      ...SETTINGS,
      crops: { grids: [1, 2], overlap: 0.25 },
      denseRegionZooms: [2],
      tasks: {
        objectDetection: false,
        denseRegions: true,
        moreDetailedCaption: false,
        phraseGrounding: true,
      },
    };
    const [out] = await gatherEvidence(
      [{ imageId: 'a', image: raster(64, 48), caption: 'a cat' }],
      { detector: new FakeDetector(), florence, cache: new MemoryTeacherCache(), table },
      settings,
    );
    expect(out?.ok && out.result.crops.length).toBe(5);
    expect(florence.runs.map((r) => r.split('@')[0])).toEqual([
      '<CAPTION_TO_PHRASE_GROUNDING>a cat',
      ...Array(4).fill('<DENSE_REGION_CAPTION>'),
    ]);
    const deps = { detector: new FakeDetector(), florence, cache: new MemoryTeacherCache(), table };
    await expect(gatherEvidence([], deps, { ...settings, denseRegionZooms: [3] })).rejects.toMatchObject({
      name: 'InvalidTeacherSettingsError',
    });
    await expect(gatherEvidence([], deps, { ...settings, visionBatch: 0 })).rejects.toThrow(/visionBatch/);
  });

  it('stops at the next model run when cancelled: finished images stay, the rest are AbortError', async () => {
    const controller = new AbortController();
    const florence = new FakeFlorence();
    const original = florence.run.bind(florence);
    florence.run = async (...args) => {
      if (florence.runs.length === 20) controller.abort();
      return original(...args);
    };
    const outcomes = await gatherEvidence(
      ['a', 'b', 'c'].map((imageId) => ({ imageId, image: raster(32, 32), caption: 'a cat' })),
      { detector: new FakeDetector(), florence, cache: new MemoryTeacherCache(), table },
      SETTINGS,
      { signal: controller.signal },
    );
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.name))).toEqual(['ok', 'AbortError', 'AbortError']);
  });
});
