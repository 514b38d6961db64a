import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { writeBadImages, type BadImageCase } from '../test/support/bad-images';
import { StudioPage, TINY_MODEL } from './pages/studio-page';
import { pageFile, pageFolder, photoPaths } from './support/files';

/** A file name that is also markup: it must show up as text, and nothing in it may run. */
const HTML_NAME = '<img src=x onerror="window.__pwned=1">.txt';

/** The bad files of issue 2, plus a nested folder, a hidden file (skipped) and a name that looks like HTML. */
async function badFolder(dir: string): Promise<BadImageCase[]> {
  const cases = await writeBadImages(dir);
  await mkdir(join(dir, 'nested'), { recursive: true });
  await writeFile(join(dir, 'nested', HTML_NAME), '<script>window.__pwned = 2</script>');
  await writeFile(join(dir, '.DS_Store'), 'Finder metadata');
  return cases;
}

const expectedDevice = (metadata: Record<string, unknown>) => metadata['device'] as 'webgpu' | 'wasm';

test('drop the photos with a folder of bad files: every photo captioned, every bad file its own message, all kept across a reload', async ({
  page,
}, testInfo) => {
  const device = expectedDevice(testInfo.project.metadata);
  const folder = testInfo.outputPath('bad-images');
  const cases = await badFolder(folder);
  const photos = photoPaths();
  expect(photos.length).toBeGreaterThanOrEqual(12);

  const studio = new StudioPage(page);
  await studio.open();
  await studio.useModel(TINY_MODEL);
  await studio.setMaxNewTokens(8);
  await studio.setBatchSize(8);
  await studio.drop(
    photos.map((p) => pageFile(p)),
    [pageFolder(folder)],
  );
  await studio.settled();

  // The badge says which device ran the student, and why.
  await expect(studio.badge).toHaveAttribute('data-device', device);
  await expect(studio.badge).toContainText(device === 'webgpu' ? 'WebGPU' : 'WASM');
  await expect(page.getByTestId('device-reason')).toHaveText(
    device === 'webgpu' ? 'WebGPU adapter found' : 'no WebGPU adapter',
  );
  const before = await studio.snapshot();
  expect(before.student).toMatchObject({ status: 'ready', modelId: TINY_MODEL, device: { device } });

  // One card per file: photos, the bad folder's files (recursively), minus the hidden one.
  await expect(studio.cards).toHaveCount(photos.length + cases.length + 1);

  for (const photo of photos) {
    const name = photo.split('/').pop()!;
    const shown = await studio.shown(studio.card(name));
    expect(shown.status, name).toBe('captioned');
    expect(shown.caption?.trim().length, name).toBeGreaterThan(0);
  }

  const messages = new Set<string>();
  for (const c of cases) {
    const name = `bad-images/${c.file}`;
    const card = studio.card(name);
    const shown = await studio.shown(card);
    if (c.expect === 'error') {
      expect(shown, name).toMatchObject({ status: 'failed', errorName: c.errorName, caption: null });
      expect(shown.error, name).toContain(name);
      messages.add(shown.error!);
    } else {
      expect(shown.status, name).toBe('captioned');
      expect(shown.caption?.trim().length, name).toBeGreaterThan(0);
      if (c.warning !== undefined) await expect(card.getByTestId('card-warnings')).toContainText(c.warning);
    }
  }
  expect(messages.size).toBe(cases.filter((c) => c.expect === 'error').length);
  // EXIF orientation honoured: stored 60×40, shown 40×60.
  await expect(studio.card('bad-images/exif-rotated.jpg').getByTestId('card-size')).toContainText('40×60');

  // Markup in a file name or file is text, never HTML.
  const htmlCard = studio.card(`bad-images/nested/${HTML_NAME}`);
  expect(await studio.shown(htmlCard)).toMatchObject({ status: 'failed', errorName: 'NotAnImageError' });
  await expect(htmlCard.getByTestId('card-error')).toContainText(HTML_NAME);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator('[data-testid="image-grid"] img')).toHaveCount(0);

  // Overall progress is complete.
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'idle');
  const run = before.run;
  expect([run.completed, run.fraction]).toEqual([run.total, 1]);
  await expect(studio.overall).toHaveJSProperty('value', 1);

  // Reload: the same cards, statuses, captions, messages and settings; thumbnails come back from IndexedDB.
  await studio.reload();
  await studio.settled();
  const after = await studio.snapshot();
  expect(after.cards).toEqual(before.cards);
  expect(after.settings).toEqual(before.settings);
  await expect(studio.cards).toHaveCount(before.cards.length);
  const drawn = page.locator('[data-testid="card-thumbnail"][data-drawn="true"]');
  await expect(drawn).toHaveCount(before.cards.filter((c) => c.width !== undefined).length);
  await expect(studio.badge).toHaveAttribute('data-device', device);
});

test('WebGPU captions equal WASM captions for the same images', async ({ page }, testInfo) => {
  test.skip(expectedDevice(testInfo.project.metadata) !== 'webgpu', 'needs a WebGPU adapter');
  const studio = new StudioPage(page);
  await studio.open();
  await studio.useModel(TINY_MODEL);
  await studio.setMaxNewTokens(8);
  await studio.drop(
    photoPaths()
      .slice(0, 4)
      .map((p) => pageFile(p)),
  );
  await studio.settled();
  const onWebGpu = await studio.snapshot();
  expect(onWebGpu.student.device?.device).toBe('webgpu');

  await studio.setDevice('wasm');
  await expect(studio.badge).toHaveAttribute('data-device', 'wasm');
  await expect(page.getByTestId('device-reason')).toHaveText('WebGPU disabled in settings');
  await page.getByTestId('caption-again-button').click();
  await studio.settled();
  const onWasm = await studio.snapshot();
  expect(onWasm.student.device?.device).toBe('wasm');

  const captions = (s: typeof onWasm) => s.cards.map((c) => [c.name, c.status, c.caption]);
  expect(captions(onWasm)).toEqual(captions(onWebGpu));
  expect(onWasm.cards.every((c) => c.status === 'captioned')).toBe(true);
});
