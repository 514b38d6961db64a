import { expect, test } from '@playwright/test';
import { StudioPage, TINY_MODEL } from './pages/studio-page';
import { pageFile, photoPaths } from './support/files';

/** Room for a few photos (file + thumbnail + state), not for twelve. */
const QUOTA_BYTES = 1_500_000;

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures from this pattern
test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'wasm', 'storage does not depend on the device');
});

test('full storage: the banner names every image that was not saved; a reload shows exactly the saved ones, whole', async ({
  page,
  baseURL,
}) => {
  // A real quota, enforced by Chromium's quota manager (DevTools protocol). It holds only when set while a
  // page of the origin is loaded (set before, it is dropped) and before the studio opens its databases (an
  // open database keeps the quota it started with): so first a page of the origin without the app.
  const cdp = await page.context().newCDPSession(page);
  await page.goto('/models/not-a-model');
  await cdp.send('Storage.overrideQuotaForOrigin', {
    origin: new URL(baseURL!).origin,
    quotaSize: QUOTA_BYTES,
  });
  const studio = new StudioPage(page);
  await studio.open();
  await studio.useModel(TINY_MODEL);
  await studio.setMaxNewTokens(4);
  const photos = photoPaths();
  await studio.drop(photos.map((p) => pageFile(p)));
  await studio.settled();

  const before = await studio.snapshot();
  const saved = before.cards.filter((c) => c.saved).map((c) => c.name);
  const unsaved = before.cards.filter((c) => !c.saved).map((c) => c.name);
  expect(saved.length).toBeGreaterThan(0);
  expect(unsaved.length).toBeGreaterThan(0);
  // Every image still works in this tab.
  expect(before.cards.map((c) => c.status)).toEqual(photos.map(() => 'captioned'));

  await expect(studio.storageBanner).toContainText('Storage is full');
  const listed = await page.getByTestId('storage-not-saved').allTextContents();
  for (const name of unsaved)
    expect(
      listed.some((line) => line.startsWith(`image "${name}"`)),
      name,
    ).toBe(true);
  for (const name of saved)
    expect(
      listed.some((line) => line.startsWith(`image "${name}"`)),
      name,
    ).toBe(false);

  // What was saved is whole: after a reload every saved image is there with its thumbnail and gets (or has) its caption.
  await studio.reload();
  await studio.settled();
  const after = await studio.snapshot();
  expect(after.cards.map((c) => c.name)).toEqual(saved);
  expect(after.cards.every((c) => c.status === 'captioned')).toBe(true);
  await expect(page.locator('[data-testid="card-thumbnail"][data-drawn="true"]')).toHaveCount(saved.length);
});
