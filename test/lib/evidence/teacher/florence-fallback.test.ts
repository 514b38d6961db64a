/**
 * Florence-2 that is not here (offline, not fetched, files missing) is not a failure of the teacher: with the
 * studio's default teacher settings and no hub, TeacherService loads the real FastestDet alone, says why once
 * in TeacherInfo, and the two-cats photo gets detector evidence with no failure. A Florence-2 that is here
 * but fails to load, or a dtype the person asked for that is missing, still fails the load with its message.
 */
import { describe, expect, it } from 'vitest';
import { TeacherService } from '../../../../src/lib/evidence/teacher/teacher-service';
import type { TeacherPlatform } from '../../../../src/lib/evidence/teacher/platform';
import { TeacherLoadError } from '../../../../src/lib/evidence/teacher/errors';
import { DEFAULT_FLORENCE_MODEL } from '../../../../src/lib/evidence/teacher/types';
import { DEFAULT_CRITIC_SETTINGS } from '../../../../src/state/slices/critic';
import { toTeacherLoadOptions, toTeacherSettings } from '../../../../src/state/slices/teacher-settings';
import { loadRaster } from '../helpers/real-data';
import { TINY_FLORENCE } from './helpers/node-teacher';
import { APP_ORIGIN, offlineTeacherPlatform } from './helpers/offline-teacher';

const DEFAULTS = DEFAULT_CRITIC_SETTINGS.teacher;
const CATS = 'coco_val2017_000000039769.png';

/** The tiny Florence-2 with some of its files taken away. */
function without(platform: TeacherPlatform, missing: (path: string) => boolean): TeacherPlatform {
  return {
    ...platform,
    modelFileExists: async (id, path) => !missing(path) && (await platform.modelFileExists(id, path)),
  };
}

const tinyOptions = (dtypes?: Record<string, string>) => ({
  ...toTeacherLoadOptions({ ...DEFAULTS, florenceModelId: TINY_FLORENCE }, APP_ORIGIN),
  ...(dtypes ? { dtypes } : {}),
});

describe('TeacherService when Florence-2 is not here', () => {
  it('loads the detector alone with the default settings offline, says why once, and the cats get detector evidence', async () => {
    expect(DEFAULTS.useFlorence).toBe(true);
    expect(DEFAULTS.florenceModelId).toBe(DEFAULT_FLORENCE_MODEL);
    const platform = offlineTeacherPlatform();
    const service = new TeacherService(platform);
    const info = await service.load(toTeacherLoadOptions(DEFAULTS, APP_ORIGIN));
    expect(info).toMatchObject({
      detector: { id: 'fastestdet@coco80-352-floor0.5', batchSize: 16 },
      florence: null,
      florenceUnavailable: {
        modelId: DEFAULT_FLORENCE_MODEL,
        message: expect.stringMatching(
          /is not on disk \(public\/models\/onnx-community\/Florence-2-base-ft\/\)/,
        ),
      },
    });
    expect(platform.florenceLoads).toEqual([]); // nothing to load: no network round trip for each file

    const image = await loadRaster(CATS);
    const [outcome] = await service.evidence(
      [{ imageId: 'cats', image, caption: 'a dog on a couch' }],
      toTeacherSettings(DEFAULTS),
    );
    if (!outcome?.ok) throw new Error(`the cats failed: ${JSON.stringify(outcome)}`);
    const { result } = outcome;
    expect(result.failures).toEqual([]);
    expect(result.models).toEqual({
      detector: 'fastestdet@coco80-352-floor0.5',
      florence: null,
      florenceRevision: null,
    });
    expect(result.stats).toMatchObject({ detectorCrops: 14, florenceCalls: 0 });
    const cats = result.evidence.objects.filter((o) => o.label === 'cat' && o.sources.includes('fastestdet'));
    expect(cats.length).toBeGreaterThanOrEqual(2);
    expect(result.evidence.detailedCaption).toBeNull();
  });

  it('goes on without a Florence-2 folder that lacks a config file or its weights, naming what is missing', async () => {
    const noTokenizer = new TeacherService(without(offlineTeacherPlatform(), (p) => p === 'tokenizer.json'));
    expect((await noTokenizer.load(tinyOptions())).florenceUnavailable).toEqual({
      modelId: TINY_FLORENCE,
      message: `Florence-2 '${TINY_FLORENCE}' lacks tokenizer.json.`,
    });
    const noWeights = new TeacherService(without(offlineTeacherPlatform(), (p) => p.startsWith('onnx/')));
    const info = await noWeights.load(tinyOptions());
    expect(info.florence).toBeNull();
    expect(info.florenceUnavailable?.message).toMatch(
      /lacks its weights .*looked for onnx\/embed_tokens\.onnx/,
    );
  });

  it('still fails the load, with its message, when Florence-2 is here but does not load, or a chosen dtype is missing', async () => {
    const broken = new TeacherService({
      ...offlineTeacherPlatform(),
      loadFlorence: () => Promise.reject(new TeacherLoadError('Florence-2 could not be loaded: bad graph')),
    });
    await expect(broken.load(tinyOptions())).rejects.toMatchObject({
      name: 'TeacherLoadError',
      message: 'Florence-2 could not be loaded: bad graph',
    });
    expect(await broken.info()).toBeNull();
    const service = new TeacherService(offlineTeacherPlatform());
    await expect(service.load(tinyOptions({ encoder_model: 'q4' }))).rejects.toMatchObject({
      name: 'TeacherDtypeError',
      message: expect.stringContaining("onnx/encoder_model_q4.onnx (dtype 'q4' was asked for)"),
    });
    // The tiny model that is all here loads as before.
    expect((await service.load(tinyOptions())).florence?.modelId).toBe(TINY_FLORENCE);
    expect((await service.info())?.florenceUnavailable).toBeNull();
  });
});
