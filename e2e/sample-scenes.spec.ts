import { expect, test } from '@playwright/test';
import { DEFAULT_MODEL_ID, LOCAL_STUDENT_ID, SCENES_STUDENT_ID } from '../src/state/slices/settings';
import {
  EXPECTED_SCENES,
  SAMPLE_RECALL_FLOOR,
  recallOf,
  sampleScene,
  sampleScenes,
} from '../test/support/sample-scenes';
import { StudioPage } from './pages/studio-page';

/** The student on disk (LOCAL_STUDENT_ID) is the trained scenes student, the default: nothing to choose offline. */

test('sample scenes: one click, offline, adds the scenes as cards with their ground truth, and the student captions them', async ({
  page,
  context,
}) => {
  await context.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
  const studio = new StudioPage(page);
  await studio.open();
  expect(DEFAULT_MODEL_ID).toBe(SCENES_STUDENT_ID);
  expect(LOCAL_STUDENT_ID).toBe(SCENES_STUDENT_ID);
  await expect(page.getByTestId('settings-current-model')).toHaveText(`Using ${LOCAL_STUDENT_ID}`);
  // The settings say plainly what the trained student knows.
  await expect(page.getByTestId('settings-model-note')).toContainText('It knows only that world');
  const scenes = sampleScenes();

  await studio.loadSampleScenes();
  await expect(studio.cards).toHaveCount(scenes.length);
  for (const scene of scenes) await expect(studio.card(scene.fileName)).toHaveCount(1);
  // Their instances.json is imported: every sample matched, so CHAIR scores their captions.
  await expect(page.getByTestId('coco-summary')).toHaveAttribute('data-matched', String(scenes.length));
  await expect(page.getByTestId('samples-error')).toHaveCount(0);

  await expect
    .poll(async () => (await studio.snapshot()).cards.map((c) => c.status), { timeout: 600_000 })
    .toEqual(scenes.map(() => 'captioned'));
  // Each of the three scenes gets a caption naming at least one of its objects, and the set keeps its recall
  // (test/support/sample-scenes.ts says why not every object: the committed student misses some).
  for (const fileName of EXPECTED_SCENES) {
    const shown = await studio.shown(studio.card(fileName));
    expect(shown.status).toBe('captioned');
    expect(recallOf(shown.caption ?? '', sampleScene(fileName)), shown.caption ?? '').toBeGreaterThan(0);
  }
  let recall = 0;
  for (const scene of scenes)
    recall += recallOf((await studio.shown(studio.card(scene.fileName))).caption ?? '', scene);
  expect(recall / scenes.length).toBeGreaterThanOrEqual(SAMPLE_RECALL_FLOOR);
});
