/**
 * The critic as `npm start` runs it offline, in Node: the teacher port over a (fake) worker boundary, the real
 * TeacherService with the committed FastestDet and no hub, and the studio's default teacher settings
 * (Florence-2-base-ft, which is not on disk). Every photo is critiqued on the detector's evidence, the reason
 * Florence-2 is missing is in the teacher's state once, and no item fails for it.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTeacherCache } from '../../../src/lib/evidence/teacher/cache';
import { TeacherService } from '../../../src/lib/evidence/teacher/teacher-service';
import type { TeacherEvidence } from '../../../src/lib/evidence/teacher/types';
import { DEFAULT_FLORENCE_MODEL } from '../../../src/lib/evidence/teacher/types';
import { createTeacherPort } from '../../../src/flows/critic/browser-ports';
import type { Critic } from '../../../src/flows/critic/critic';
import { createCritic } from '../../../src/flows/critic/critic';
import { persistCritic } from '../../../src/state/persist/critic';
import type { CriticDataPort } from '../../../src/flows/critic/ports';
import { createStudioStore } from '../../../src/state/store';
import { PHOTOS_DIR } from '../../support/fixtures';
import { table } from '../../lib/critic/helpers/florence-fixtures';
import { APP_ORIGIN, offlineTeacherPlatform } from '../../lib/evidence/teacher/helpers/offline-teacher';
import { FakeWorker } from '../bridge/fake-worker';
import { memoryKv } from '../fakes';

const PHOTOS: Record<string, string> = {
  cats: 'coco_val2017_000000039769.png',
  room: 'coco_val2017_000000000139.jpg',
  stop: 'coco_val2017_000000000724.jpg',
};

class PhotoData implements CriticDataPort {
  readonly cache = new MemoryTeacherCache();
  async pixels(imageId: string) {
    const { data, info } = await sharp(join(PHOTOS_DIR, PHOTOS[imageId]!))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data) };
  }
  async addTarget() {}
  async synonyms() {
    return table;
  }
}

const disposers: Array<() => void> = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
});

describe('the critic offline with the default teacher settings', () => {
  it('critiques every photo on the detector alone and says once that Florence-2 is not here', async () => {
    const kv = memoryKv();
    const state = createStudioStore(kv);
    const store = state.api;
    const platform = offlineTeacherPlatform();
    const workers: FakeWorker[] = [];
    const teacher = createTeacherPort(store, APP_ORIGIN, () => {
      const worker = new FakeWorker(new TeacherService(platform));
      workers.push(worker);
      return worker as unknown as Worker; // the bridge needs only WorkerLike, which FakeWorker is
    });
    const data = new PhotoData();
    const critic: Critic = createCritic({
      store,
      teacher: teacher.port,
      data,
      persistence: persistCritic(store, kv, (e) => {
        throw e;
      }),
      studioReady: state.hydrated,
    });
    disposers.push(() => {
      critic.dispose();
      teacher.bridge.dispose();
    });
    await critic.ready;
    // The plain rule's verdicts: this test is about the teacher (calibrated verdicts would not add the cats).
    store.getState().criticSetSettings({ calibrated: false });
    expect(store.getState().critic.settings.teacher).toMatchObject({
      useFlorence: true,
      florenceModelId: DEFAULT_FLORENCE_MODEL,
    });
    for (const id of Object.keys(PHOTOS)) {
      store.getState().addCard({
        id,
        name: PHOTOS[id]!,
        byteLength: 10,
        width: 640,
        height: 480,
        status: 'captioned',
        caption: 'A dog sitting on a couch.',
        captionModel: 'tiny-random/vit-gpt2',
        warnings: [],
        addedAt: 1,
        saved: true,
      });
    }
    expect(critic.start()).toBe(3);
    await critic.settled();

    const s = store.getState().critic;
    expect(s.run).toMatchObject({ state: 'idle', error: null, completed: 3, total: 3 });
    expect(Object.values(s.items).map((i) => [i.imageId, i.status, i.error])).toEqual([
      ['cats', 'done', undefined],
      ['room', 'done', undefined],
      ['stop', 'done', undefined],
    ]);
    expect(s.teacher).toMatchObject({
      status: 'ready',
      error: null,
      info: { florence: null, florenceUnavailable: { modelId: DEFAULT_FLORENCE_MODEL } },
    });
    // One teacher, loaded once for the two calls (two photos per call), not once per photo.
    expect(workers).toHaveLength(1);
    expect(platform.florenceLoads).toEqual([]);

    const cats = await data.cache.get<TeacherEvidence>(s.items['cats']!.evidenceKey!);
    expect(cats?.models.florence).toBeNull();
    expect(cats?.failures).toEqual([]);
    expect(cats?.evidence.objects.filter((o) => o.label === 'cat').length).toBeGreaterThanOrEqual(2);
    // The template critic read that evidence: the caption's dog is not in the photo of two cats.
    const refined = s.items['cats']!.refined!.toLowerCase();
    expect(refined).toContain('cat');
    expect(refined).not.toContain('dog');
  });
});
