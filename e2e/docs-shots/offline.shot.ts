import { expect, test } from '@playwright/test';
import { CriticPage } from '../pages/critic-page';
import { HUB_MODEL_ID } from '../../src/state/slices/settings';
import { StudioPage } from '../pages/studio-page';
import { pageFile, PHOTOS_DIR } from '../support/files';

/** Photos with several objects the committed FastestDet finds, and the two-cats photo. */
const PHOTOS = [
  'coco_val2017_000000039769.png',
  'coco_val2014_000000165547.jpg',
  'coco_val2017_000000000139.jpg',
];
const SHOWN = 'coco_val2017_000000039769.png';

/**
 * The studio after `npm start` with no internet and the hub's student chosen: it is not on disk and the hub
 * cannot be reached (one panel says what to do), the student committed in public/models/ captions, and Refine
 * captions draws the committed detector's boxes (Florence-2 missing too: the detector alone, said once).
 */
test('offline studio: the unavailable-student panel, then detector boxes on a real photo', async ({
  page,
  context,
}) => {
  await context.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
  const studio = new StudioPage(page);
  const critic = new CriticPage(page);
  await studio.open();
  await studio.chooseStudent(HUB_MODEL_ID);
  await studio.setMaxNewTokens(8);
  await studio.drop(PHOTOS.map((name) => pageFile(`${PHOTOS_DIR}/${name}`)));
  await expect(studio.studentUnavailable).toBeVisible();
  await studio.studentUnavailable.screenshot({ path: 'docs/offline-student-panel.png' });

  await studio.studentUnavailable.getByTestId('use-local-student').click();
  await expect
    .poll(async () => (await studio.snapshot()).cards.map((c) => c.status), { timeout: 300_000 })
    .toEqual(PHOTOS.map(() => 'captioned'));
  await critic.ready();
  await critic.start();
  await critic.settled();
  await critic.open(SHOWN);
  expect((await critic.boxes()).some((b) => b.source === 'fastestdet' && b.label === 'cat')).toBe(true);
  await critic.detail.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'docs/offline-detector-boxes.png', fullPage: true });
});
