import { expect, test } from '@playwright/test';
import { CriticPage } from './pages/critic-page';
import { StudioPage, TINY_MODEL } from './pages/studio-page';
import { TrainingPage } from './pages/training-page';
import { pageFile, PHOTOS_DIR } from './support/files';

const PHOTOS = ['coco_val2017_000000039769.png', 'coco_val2017_000000000724.jpg'];

test('debug training crash', async ({ page }) => {
  test.setTimeout(30 * 60_000);
  page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text().slice(0, 300)}`));
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  page.on('worker', (w) => {
    console.log(`[worker] ${w.url()}`);
    w.on('console', (m) => console.log(`[worker ${m.type()}] ${m.text().slice(0, 300)}`));
    w.on('close', () => console.log(`[worker closed] ${w.url()}`));
  });
  const studio = new StudioPage(page);
  const critic = new CriticPage(page);
  const training = new TrainingPage(page);
  await studio.open();
  await studio.useModel(TINY_MODEL);
  await studio.setMaxNewTokens(8);
  await studio.drop(PHOTOS.map((n) => pageFile(`${PHOTOS_DIR}/${n}`)));
  await studio.settled();
  console.log('captioned');
  await critic.ready();
  await critic.useTinyTeacher({ florence: false, dense: '1' });
  await critic.start();
  await critic.settled();
  console.log('critiqued', JSON.stringify((await critic.snapshot()).items.map((i) => i.status)));
  for (const name of PHOTOS) {
    await critic.open(name);
    await page.getByTestId('critic-accept').click();
    await expect(page.getByTestId('critic-decision')).toHaveAttribute('data-decision', 'accepted');
  }
  await training.ready();
  await training.configure({ epochs: 2, lr: 0.02, optimizer: 'adamw', batchSize: 1, checkpointEvery: 1 });
  await training.train();
  const done = await training.until((t) => t.status === 'done' || t.status === 'failed', 900_000);
  console.log(
    'DONE',
    JSON.stringify({
      status: done.status,
      error: done.error,
      losses: done.losses,
      ckpts: done.checkpoints.map((c) => c.id),
    }),
  );
});
