import { expect, test } from '@playwright/test';
import { CriticPage } from '../pages/critic-page';
import { SCENES_STUDENT_IS_DEFAULT } from '../../src/state/slices/settings';
import { StudioPage } from '../pages/studio-page';
import { sampleScenes } from '../../test/support/sample-scenes';

/**
 * The studio captioning the sample scenes offline: one click on "Load sample scenes", the default student
 * (the trained scenes student, on disk) captions them, and the critic flags what the captions get wrong.
 */
test('offline studio: the sample scenes captioned by the default student, with the critic', async ({
  page,
  context,
}) => {
  test.skip(!SCENES_STUDENT_IS_DEFAULT, 'the trained scenes student is not the default yet: nothing to show');
  await context.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
  const studio = new StudioPage(page);
  const critic = new CriticPage(page);
  await studio.open();
  const scenes = sampleScenes();
  await studio.loadSampleScenes();
  await expect
    .poll(async () => (await studio.snapshot()).cards.map((c) => c.status), { timeout: 300_000 })
    .toEqual(scenes.map(() => 'captioned'));
  await critic.ready();
  await critic.start();
  await critic.settled();
  await page.getByTestId('drop-zone').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'docs/sample-scenes-offline.png', fullPage: true });
});
