import { expect, test } from '@playwright/test';
import { CriticPage } from '../pages/critic-page';
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
  // The top of the page (drop zone, the first rows of scenes, the student's settings): the whole page is ~4000 px.
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: 'docs/sample-scenes-offline.png' });
});
