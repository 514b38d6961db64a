/**
 * The teacher as the worker runs it (TeacherService), in Node: the real FastestDet (batch rewrite) and the tiny
 * random Florence-2 on the two-cats photo, every call cached. The first run finds both annotated cats
 * (IoU ≥ 0.5) and gets every Florence-2 task; a rerun is answered entirely from the cache, equal to the first;
 * a new caption re-runs phrase grounding only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { boxFromXywh, iou } from '../../../../src/lib/evidence/boxes';
import type { RasterImage } from '../../../../src/lib/evidence/raster';
import { checkCaption } from '../../../../src/lib/critic/rules';
import { MemoryTeacherCache } from '../../../../src/lib/evidence/teacher/cache';
import { TeacherService } from '../../../../src/lib/evidence/teacher/teacher-service';
import type {
  EvidenceOutcome,
  TeacherEvidence,
  TeacherSettings,
} from '../../../../src/lib/evidence/teacher/types';
import { DEFAULT_TEACHER_SETTINGS } from '../../../../src/lib/evidence/teacher/types';
import { CHAIR_SYNONYMS } from '../../../../src/lib/vocabulary/chair-synonyms';
import { cocoInstances, loadRaster } from '../helpers/real-data';
import { nodeLoadOptions, nodeTeacherPlatform } from './helpers/node-teacher';

const CATS = 'coco_val2017_000000039769.png';
const SETTINGS: TeacherSettings = {
  ...DEFAULT_TEACHER_SETTINGS,
  maxNewTokens: 12,
  numBeams: 1,
  visionBatch: 4,
};
const CAPTION = 'two cats lying on a pink couch';

function annotatedCats() {
  const json = cocoInstances('coco_val2017_000000039769_instances.json') as {
    annotations: { category_id: number; bbox: number[] }[];
  };
  return json.annotations.filter((a) => a.category_id === 17).map((a) => boxFromXywh(a.bbox));
}

function ok(outcome: EvidenceOutcome | undefined): TeacherEvidence {
  if (outcome === undefined || !outcome.ok) throw new Error(`no evidence: ${JSON.stringify(outcome)}`);
  return outcome.result;
}

describe('TeacherService in Node (real FastestDet, tiny Florence-2)', () => {
  const cache = new MemoryTeacherCache();
  const service = new TeacherService(nodeTeacherPlatform(cache));
  let image: RasterImage;
  let first: TeacherEvidence;
  beforeAll(async () => {
    image = await loadRaster(CATS);
    const info = await service.load(nodeLoadOptions());
    expect(info).toMatchObject({
      device: 'wasm',
      detector: { id: 'fastestdet@coco80-352-floor0.5', batchSize: 16 },
      florence: {
        modelId: 'tiny-random/florence-2',
        dtypes: { vision_encoder: 'fp32', decoder_model_merged: 'fp32' },
      },
    });
    first = ok((await service.evidence([{ imageId: 'cats', image, caption: CAPTION }], SETTINGS))[0]);
  });

  it('runs the detector on all 14 crops and every Florence-2 task (1 + 1 + 1 + 14 dense regions)', () => {
    expect(first.crops).toHaveLength(14);
    expect(first.stats).toMatchObject({
      detectorCrops: 14,
      detectorRuns: 14,
      florenceCalls: 17,
      florenceRuns: 17,
      visionEncoded: 14,
    });
    expect(first.failures).toEqual([]);
    expect(first.evidence.grounding?.caption).toBe(CAPTION);
    expect(first.evidence.detailedCaption).not.toBeNull();
    expect(new Set(first.evidence.regions.map((r) => r.zoom))).toEqual(new Set([1, 2, 3]));
    expect(first.models).toEqual({
      detector: 'fastestdet@coco80-352-floor0.5',
      florence: 'tiny-random/florence-2',
      florenceRevision: 'main|fp32/fp32/fp32/fp32',
    });
  });

  it('finds both annotated cats (IoU ≥ 0.5) among the merged objects, seen at several zoom levels', () => {
    const cats = first.evidence.objects.filter((o) => o.label === 'cat' && o.sources.includes('fastestdet'));
    for (const truth of annotatedCats()) {
      const best = Math.max(...cats.map((c) => iou(c.box, truth)));
      expect(best).toBeGreaterThanOrEqual(0.5);
      expect(cats.find((c) => iou(c.box, truth) === best)!.zoomLevels.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('lets the critic mark a dog as hallucinated and the cats as grounded on this evidence', () => {
    const table = CHAIR_SYNONYMS;
    const dog = checkCaption('a dog sleeping on a couch', first.evidence, table);
    expect(dog.hallucinations.map((h) => h.object)).toContain('dog');
    const cats = checkCaption('two cats sleeping on a couch', first.evidence, table);
    expect(cats.hallucinations.map((h) => h.object)).not.toContain('cat');
  });

  it('answers a rerun from the cache: no detector or Florence-2 run, no vision encoding, the same evidence', async () => {
    const again = ok((await service.evidence([{ imageId: 'cats', image, caption: CAPTION }], SETTINGS))[0]);
    expect(again.stats).toMatchObject({
      detectorRuns: 0,
      florenceRuns: 0,
      visionEncoded: 0,
      florenceCalls: 17,
    });
    expect(again.evidence).toEqual(first.evidence);
  });

  it('re-runs only phrase grounding for a new caption', async () => {
    const other = ok(
      (await service.evidence([{ imageId: 'cats', image, caption: 'a dog on a couch' }], SETTINGS))[0],
    );
    expect(other.stats).toMatchObject({ detectorRuns: 0, florenceRuns: 1, visionEncoded: 1 });
    expect(other.evidence.grounding?.caption).toBe('a dog on a couch');
    expect(other.evidence.objects).toEqual(first.evidence.objects);
  });

  it('fails a bad image alone, and refuses a second run while one goes on', async () => {
    const bad = { width: 10, height: 10, channels: 4 as const, data: new Uint8Array(7) };
    const outcomes = await service.evidence(
      [
        { imageId: 'bad', image: bad, caption: null },
        { imageId: 'cats', image, caption: CAPTION },
      ],
      SETTINGS,
    );
    expect(outcomes.map((o) => [o.imageId, o.ok])).toEqual([
      ['bad', false],
      ['cats', true],
    ]);
    expect(outcomes[0]).toMatchObject({ error: { name: 'InvalidRasterError' } });
    const running = service.evidence([{ imageId: 'cats2', image, caption: null }], SETTINGS);
    await expect(
      service.evidence([{ imageId: 'cats', image, caption: null }], SETTINGS),
    ).rejects.toMatchObject({
      name: 'TeacherBusyError',
    });
    await service.cancel();
    const cancelled = await running;
    expect(cancelled[0]).toMatchObject({ ok: false, error: { name: 'AbortError' } });
  });
});

describe('TeacherService without a model loaded', () => {
  it('says so by name, and a missing detector file says where to get it', async () => {
    const service = new TeacherService(nodeTeacherPlatform());
    const image = { width: 2, height: 2, channels: 3 as const, data: new Uint8Array(12) };
    await expect(service.evidence([{ imageId: 'x', image, caption: null }], SETTINGS)).rejects.toMatchObject({
      name: 'TeacherNotLoadedError',
    });
    const options = nodeLoadOptions(null);
    await expect(
      service.load({
        ...options,
        detector: { ...options.detector, modelUrl: 'file:///nonexistent/FastestDet.onnx' },
      }),
    ).rejects.toMatchObject({
      name: 'TeacherLoadError',
      message: expect.stringContaining('git checkout -- public/models/fastestdet'),
    });
  });
});

describe('TeacherService text model (the critic’s in-tab engine)', () => {
  it('loads a text-generation function once per model id and passes chats through; refuses before loading', async () => {
    const loads: string[] = [];
    const platform = {
      ...nodeTeacherPlatform(),
      loadTextGeneration: async (modelId: string) => {
        loads.push(modelId);
        return async (messages: unknown[], options: unknown) => [
          { generated_text: [...messages, { role: 'assistant', content: JSON.stringify(options) }] },
        ];
      },
    };
    const service = new TeacherService(platform);
    await expect(
      service.generateText([{ role: 'user', content: 'hi' }], { max_new_tokens: 4, do_sample: false }),
    ).rejects.toMatchObject({
      name: 'TextModelError',
    });
    expect(await service.loadTextModel('tiny/llm', 'wasm')).toEqual({ modelId: 'tiny/llm', device: 'wasm' });
    await service.loadTextModel('tiny/llm', 'wasm');
    expect(loads).toEqual(['tiny/llm']);
    const out = await service.generateText([{ role: 'user', content: 'hi' }], {
      max_new_tokens: 4,
      do_sample: false,
    });
    expect(out).toEqual([
      {
        generated_text: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: '{"max_new_tokens":4,"do_sample":false}' },
        ],
      },
    ]);
    const failing = new TeacherService({
      ...platform,
      loadTextGeneration: async () => Promise.reject(new Error('404')),
    });
    await expect(failing.loadTextModel('missing/llm', 'wasm')).rejects.toMatchObject({
      name: 'TextModelError',
      message: expect.stringContaining('missing/llm'),
    });
  });
});
