import { expect, test } from '@playwright/test';
import { DEFAULT_CRITIC_SETTINGS } from '../src/state/slices/critic';
import { CriticPage } from './pages/critic-page';
import { StudioPage, TINY_MODEL } from './pages/studio-page';
import { pageFile, PHOTOS_DIR } from './support/files';
import { watchWorkers } from './support/workers';

const CATS = 'coco_val2017_000000039769.png';
const ROOM = 'coco_val2017_000000000139.jpg';
const STOP = 'coco_val2017_000000000724.jpg';
const FLORENCE = DEFAULT_CRITIC_SETTINGS.teacher.florenceModelId;

/**
 * `npm start` with no network, as a new user has it: the hub is unreachable, the default teacher settings ask
 * for Florence-2-base-ft, which is not on disk. Three photos (more than one teacher call takes) get the
 * committed detector's boxes and a critique; the critic panel says once that Florence-2 is missing, and no
 * item fails or waits for that reason.
 */
test('offline with the default teacher settings: detector boxes and critiques, one notice about Florence-2', async ({
  page,
}, testInfo) => {
  test.setTimeout(15 * 60_000);
  const hub: string[] = [];
  await page.route('https://huggingface.co/**', (route) => {
    hub.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  const teachers = watchWorkers(page, 'teacher');
  const students = watchWorkers(page, 'student');
  const studio = new StudioPage(page);
  const critic = new CriticPage(page);
  await studio.open();
  await studio.useModel(TINY_MODEL);
  await studio.setMaxNewTokens(8);
  await studio.drop([CATS, ROOM, STOP].map((n) => pageFile(`${PHOTOS_DIR}/${n}`)));
  await studio.settled();
  await critic.ready();
  expect((await critic.snapshot()).settings.teacher).toEqual(DEFAULT_CRITIC_SETTINGS.teacher);

  await critic.start();
  await critic.settled();

  const snap = await critic.snapshot();
  expect(snap.run).toMatchObject({ state: 'idle', error: null, completed: 3, total: 3 });
  expect(snap.items.map((i) => [i.status, i.error])).toEqual([
    ['done', undefined],
    ['done', undefined],
    ['done', undefined],
  ]);
  expect(snap.teacher).toMatchObject({
    status: 'ready',
    error: null,
    info: {
      detector: { id: 'fastestdet@coco80-352-floor0.5' },
      florence: null,
      florenceUnavailable: { modelId: FLORENCE },
    },
  });
  // One critic per tab: the training wiring and the page share it (a second one ran a second teacher worker
  // on the same queued items, and its stale writes put finished items back in the queue).
  expect(teachers.mostAtOnce).toBe(1);
  expect(students.mostAtOnce).toBe(1);

  // The hub was asked (and could not answer): the fallback is for an offline user, not a skipped check.
  expect(hub.some((url) => url.includes(FLORENCE))).toBe(true);

  // Said once, plainly, with what to do; no item, run or teacher error about it.
  const notice = page.getByTestId('florence-unavailable');
  await expect(notice).toHaveCount(1);
  await expect(notice).toContainText('the evidence comes from the detector alone');
  await expect(notice).toContainText(`Florence-2 '${FLORENCE}' is not on disk`);
  await expect(notice).toContainText('npm run models:fetch');
  await expect(notice).toContainText('switch Florence-2 off');
  await expect(page.getByTestId('critic-run-error')).toHaveCount(0);
  await expect(page.getByTestId('teacher-error')).toHaveCount(0);
  await expect(page.getByText(/no weights for the Florence-2/)).toHaveCount(0);
  await expect(page.getByTestId('critic-item-status')).toHaveText(['Critiqued', 'Critiqued', 'Critiqued']);

  // Refine captions shows the detector's boxes on the photo, and the critique of the tiny student's caption.
  await critic.open(CATS);
  const boxes = await critic.boxes();
  expect(boxes.filter((b) => b.source === 'fastestdet' && b.label === 'cat').length).toBeGreaterThanOrEqual(
    2,
  );
  expect(boxes.every((b) => b.source === 'fastestdet')).toBe(true);
  // The default critic judges with calibrated verdicts: it names the caption's mentions with their verdicts, and
  // suggests adding an object only where the committed table trusts large boxes of its kind (person, not cat:
  // 10 of 12 large cat boxes were right on the COCO train photos, too few to be sure).
  await expect(critic.detail.getByTestId('critique')).toBeVisible();
  await expect(
    critic.detail.getByTestId('critique-finding').filter({ hasText: /Missing: .*cat/ }),
  ).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('critic-offline.png'), fullPage: true });
});
