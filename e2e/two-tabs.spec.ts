import { expect, test, type BrowserContext } from '@playwright/test';
import { StudioPage, TINY_MODEL } from './pages/studio-page';
import { pageFile, photoPaths } from './support/files';

/**
 * Issue 14: the studio open in two tabs of one browser (one context, two pages: same origin, same
 * IndexedDB, same Web Locks). One tab owns the work; photos added in either tab are stored once, captioned
 * once, shown in both tabs, and still there after both tabs reload. The working tab closed mid-captioning
 * (page.close: no handover, no last write) leaves the rest to a new page or to the other open tab.
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

/**
 * Resolves in the page once all `total` photos are stored and at least `count` are captioned (checked on every
 * store change, so the test closes the tab mid-captioning however fast the device is).
 */
async function storedAndCaptioned(tab: StudioPage, total: number, count: number): Promise<void> {
  await tab.page.evaluate(
    ({ total, count }) =>
      new Promise<void>((resolve) => {
        const hook = window.__capgrad!;
        const reached = (s: ReturnType<typeof hook.snapshot>): boolean =>
          s.cards.length === total &&
          s.cards.every((c) => c.saved) &&
          s.cards.filter((c) => c.status === 'captioned').length >= count;
        if (reached(hook.snapshot())) return resolve();
        const stop = hook.subscribe((s) => {
          if (!reached(s)) return;
          stop();
          resolve();
        });
      }),
    { total, count },
  );
}

/** The caption history in IndexedDB (src/lib/store/captions.ts): versions stored per image, by card name. */
async function storedCaptionVersions(tab: StudioPage): Promise<Record<string, number>> {
  const cards = (await tab.snapshot()).cards;
  const byImage = await tab.page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('capgrad-captions');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const store = db.transaction('captions', 'readonly').objectStore('captions');
          const keys = store.getAllKeys();
          const values = store.getAll();
          values.onsuccess = () => {
            const counts: Record<string, number> = {};
            keys.result.forEach((key, i) => {
              const imageId = String(key).split('/')[0]!;
              counts[imageId] = (counts[imageId] ?? 0) + (values.result[i] as unknown[]).length;
            });
            db.close();
            resolve(counts);
          };
        };
      }),
  );
  return Object.fromEntries(cards.map((c) => [c.name, byImage[c.id] ?? 0]));
}

/**
 * Each photo's caption history holds exactly one version: a caption whose card was stored is never made again,
 * and none is missing (an entry the closed tab did not get to write, the next owner writes from the card).
 */
function expectEachCaptionStoredOnce(versions: Record<string, number>, names: readonly string[]): void {
  expect(versions).toEqual(Object.fromEntries(names.map((n) => [n, 1])));
}

test('the working tab closed mid-captioning: a new page finishes; every photo captioned once, none lost, none twice', async ({
  context,
}) => {
  const a = await firstTab(context);
  await a.setMaxNewTokens(20); // slow enough to close it between two captions
  const dropped = photos.slice(0, 6);
  await a.drop(dropped.map((p) => pageFile(p)));
  await storedAndCaptioned(a, dropped.length, 2);
  expect((await a.snapshot()).run.state).toBe('running');
  await a.page.close(); // no handover, no flush: the tab is gone

  const c = await secondTab(context); // a new page of the studio
  const names = dropped.map(nameOf);
  await c.expectAllCaptioned(names);
  await c.settled();
  expectEachCaptionStoredOnce(await storedCaptionVersions(c), names);
});

test('the owner tab closed mid-captioning while another tab is open: that tab takes over; every photo captioned once', async ({
  context,
}) => {
  const a = await firstTab(context);
  await a.setMaxNewTokens(20);
  const b = await secondTab(context);
  await expect(b.busyElsewhere).toBeVisible();
  const dropped = photos.slice(0, 6);
  await a.drop(dropped.map((p) => pageFile(p)));
  await storedAndCaptioned(a, dropped.length, 2);
  await a.page.close();

  await expect.poll(async () => (await b.snapshot()).tabRole).toBe('owner');
  await expect(b.busyElsewhere).toBeHidden();
  const names = dropped.map(nameOf);
  await b.expectAllCaptioned(names);
  await b.settled();
  expectEachCaptionStoredOnce(await storedCaptionVersions(b), names);
  await b.reload();
  await b.expectAllCaptioned(names);
});
