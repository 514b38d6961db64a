import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { StudioPage, TINY_MODEL } from './pages/studio-page';
import { pageFile, photoPaths } from './support/files';

// Device-independent: run once, on the faster WASM project.
// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures from this pattern
test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'wasm', 'input paths do not depend on the device');
});

test('file picker, folder picker and paste each add cards; the same image twice is one card', async ({
  page,
}, testInfo) => {
  const photos = photoPaths();
  const folder = testInfo.outputPath('picked');
  mkdirSync(join(folder, 'inner'), { recursive: true });
  cpSync(photos[2]!, join(folder, 'one.jpg'));
  cpSync(photos[3]!, join(folder, 'inner', 'two.jpg'));
  cpSync(photos[0]!, join(folder, 'inner', 'same-as-first.jpg')); // same bytes as a picked file

  const studio = new StudioPage(page);
  await studio.open();
  await studio.useModel(TINY_MODEL);
  await studio.setMaxNewTokens(4);

  await studio.pickFiles([photos[0]!, photos[1]!]);
  await studio.pickFolder(folder);
  await studio.paste(pageFile(photos[4]!, 'pasted.png'));
  await studio.paste(pageFile(photos[4]!, 'pasted-again.png'));
  await studio.settled();

  const names = (await studio.snapshot()).cards.map((c) => c.name);
  expect(names).toEqual([
    photos[0]!.split('/').pop(),
    photos[1]!.split('/').pop(),
    'picked/inner/two.jpg',
    'picked/one.jpg',
    'pasted.png',
  ]);
  for (const name of names) await expect(studio.card(name)).toHaveAttribute('data-status', 'captioned');
});

test('pause holds the run, resume finishes it, cancel stops it until captioned again', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.open();
  await studio.useModel(TINY_MODEL);
  await studio.setMaxNewTokens(24);
  await studio.setBatchSize(2);
  const photos = photoPaths();
  const captioned = page.locator('[data-testid="image-card"][data-status="captioned"]');

  // Pause the moment the first caption lands, in the page: a fast device must not finish the folder first.
  await studio.clickWhenCaptioned(1, 'pause-button');
  await studio.drop(photos.map((p) => pageFile(p)));
  await studio.clicked();
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'paused');
  // Whatever was mid-step finishes its step; after that nothing moves while paused.
  await page.waitForTimeout(1500);
  const heldAt = await captioned.count();
  await page.waitForTimeout(2500);
  expect(await captioned.count()).toBe(heldAt);
  expect(heldAt).toBeLessThan(photos.length);

  // Resume, and cancel the moment one more image is captioned.
  await studio.clickWhenCaptioned(heldAt + 1, 'cancel-button');
  await page.getByTestId('resume-button').click();
  await studio.clicked();
  await studio.settled();
  const afterCancel = await studio.snapshot();
  const cancelled = afterCancel.cards.filter((c) => c.status === 'cancelled').length;
  expect(cancelled).toBeGreaterThan(0);
  expect(afterCancel.cards.every((c) => c.status === 'captioned' || c.status === 'cancelled')).toBe(true);
  await expect(page.getByTestId('status-counts')).toContainText(`${cancelled} cancelled`);

  await page.getByTestId('caption-again-button').click();
  await studio.settled();
  await expect(captioned).toHaveCount(photos.length);
});

test('a local model folder captions exactly as the same model by id', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.open();
  await studio.useModel(TINY_MODEL);
  await studio.setMaxNewTokens(6);
  await studio.pickFiles(photoPaths().slice(0, 3));
  await studio.settled();
  const byId = await studio.snapshot();

  await page.getByTestId('settings-folder-input').setInputFiles(join('public', 'models', TINY_MODEL));
  await expect(page.getByTestId('settings-current-model')).toHaveText('Using folder "vit-gpt2"');
  await page.getByTestId('caption-again-button').click();
  await studio.settled();
  const byFolder = await studio.snapshot();

  expect(byFolder.student).toMatchObject({ status: 'ready', modelId: 'vit-gpt2' });
  expect(byFolder.cards.map((c) => c.captionModel)).toEqual(['vit-gpt2', 'vit-gpt2', 'vit-gpt2']);
  expect(byFolder.cards.map((c) => c.caption)).toEqual(byId.cards.map((c) => c.caption));
  // The folder is kept in IndexedDB: after a reload the setting still works.
  await studio.reload();
  await expect(page.getByTestId('settings-current-model')).toHaveText('Using folder "vit-gpt2"');
});
