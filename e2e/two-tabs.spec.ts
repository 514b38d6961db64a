import { expect, test, type BrowserContext } from '@playwright/test';
import { StudioPage, TINY_MODEL } from './pages/studio-page';
import { pageFile, photoPaths } from './support/files';

/**
 * Issue 14: the studio open in two tabs of one browser (one context, two pages: same origin, same
 * IndexedDB, same Web Locks). One tab owns the work; photos added in either tab are stored once, captioned
 * once, shown in both tabs, and still there after both tabs reload.
 */

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures from this pattern
test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'wasm', 'tab coordination does not depend on the device');
});

const photos = photoPaths();
const nameOf = (path: string) => path.split('/').pop()!;

/** Tab A with the tiny model and few tokens (the settings are shared records: tab B reads them). */
async function firstTab(context: BrowserContext): Promise<StudioPage> {
  const a = new StudioPage(await context.newPage());
  await a.open();
  await a.useModel(TINY_MODEL);
  await a.setMaxNewTokens(6);
  await a.setBatchSize(1);
  return a;
}

async function secondTab(context: BrowserContext): Promise<StudioPage> {
  const b = new StudioPage(await context.newPage());
  await b.open();
  return b;
}

async function reloadBothAndCheck(tabs: StudioPage[], names: string[]): Promise<void> {
  for (const tab of tabs) await tab.reload();
  for (const tab of tabs) await tab.expectAllCaptioned(names);
}

test('photos dropped in the idle tab while the other tab captions: captioned once by the owner, in both tabs, after reload', async ({
  context,
}) => {
  const a = await firstTab(context);
  const busy = photos.slice(0, 10);
  const added = photos.slice(10, 12);
  await a.drop(busy.map((p) => pageFile(p)));
  await expect.poll(async () => (await a.snapshot()).run.state).toBe('running');

  const b = await secondTab(context);
  // B says plainly that the work runs in A, and runs nothing itself (no stale "running · 0/N").
  await expect.soft(b.busyElsewhere).toBeVisible();
  expect.soft((await b.snapshot()).tabRole).toBe('follower');
  await b.drop(added.map((p) => pageFile(p)));
  expect((await a.snapshot()).run.state).toBe('running'); // A was still busy when B added its photos
  expect.soft((await b.snapshot()).run.state).toBe('idle');

  const names = [...busy, ...added].map(nameOf);
  await a.expectAllCaptioned(names); // A picked B's photos up
  await b.expectAllCaptioned(names); // and B shows A's captions
  await a.settled();
  await b.settled();
  await reloadBothAndCheck([a, b], names);
});

test('photos dropped in the busy tab while an idle tab is open and changes a setting: nothing lost after reload', async ({
  context,
}) => {
  const a = await firstTab(context);
  const b = await secondTab(context); // opened while A is idle: it holds a copy of A's (empty) state
  await expect.soft(b.busyElsewhere).toBeVisible();
  const dropped = photos.slice(0, 4);
  await a.drop(dropped.map((p) => pageFile(p)));
  await expect.poll(async () => (await a.snapshot()).run.state).toBe('running');
  // The person changes a setting in the idle tab while A captions: B writes what it holds.
  await b.setMaxNewTokens(5);
  await expect.poll(async () => (await a.snapshot()).settings.generation.maxNewTokens).toBe(5);

  const names = dropped.map(nameOf);
  await a.expectAllCaptioned(names);
  await b.expectAllCaptioned(names);
  await a.settled();
  await b.settled();
  await reloadBothAndCheck([a, b], names);
});

test('two tabs drop different photos at the same moment: every photo once, captioned, in both tabs after reload', async ({
  context,
}) => {
  const a = await firstTab(context);
  const b = await secondTab(context);
  const inA = photos.slice(0, 3);
  const inB = photos.slice(3, 6);
  await Promise.all([a.drop(inA.map((p) => pageFile(p))), b.drop(inB.map((p) => pageFile(p)))]);
  const names = [...inA, ...inB].map(nameOf);
  await a.expectAllCaptioned(names);
  await b.expectAllCaptioned(names);
  await a.settled();
  await b.settled();
  await reloadBothAndCheck([a, b], names);
});

test('"Take over here" moves the work to the asking tab; the other tab shows it is busy elsewhere', async ({
  context,
}) => {
  const a = await firstTab(context);
  const b = await secondTab(context);
  await expect(b.busyElsewhere).toBeVisible();
  await expect(a.busyElsewhere).toBeHidden();
  await b.takeOver.click();
  await expect(b.busyElsewhere).toBeHidden();
  await expect(a.busyElsewhere).toBeVisible();
  const dropped = photos.slice(0, 2);
  await a.drop(dropped.map((p) => pageFile(p)));
  const names = dropped.map(nameOf);
  await b.expectAllCaptioned(names); // B owns the work now: it captions what A added
  await a.expectAllCaptioned(names);
  expect((await a.snapshot()).run.state).toBe('idle');
});
