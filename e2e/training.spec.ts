/**
 * The whole loop in the tab (issue 5): photos → the tiny student's captions → the template critic with the real
 * FastestDet and the tiny Florence-2 (WASM; on WebGPU the detector alone) → accept → train 2 epochs → the loss
 * chart has points and falls → a checkpoint exists → reload in the middle of training → it resumes from that checkpoint → finish → the studio
 * captions with the tuned student → export → the zip, loaded by transformers.js in a fresh page, gives the
 * captions the studio shows. On WebGPU (SwiftShader) and on WASM (the two projects).
 */
import { expect, test } from '@playwright/test';
import { CriticPage } from './pages/critic-page';
import { StudioPage, TINY_MODEL } from './pages/studio-page';
import { TrainingPage } from './pages/training-page';
import { pageFile, PHOTOS_DIR } from './support/files';
import { captionInFreshPage, exportedModel } from './support/transformers-check';

/** Two photos keep the tiny teacher's evidence (FastestDet on 14 crops, Florence-2 calls) within minutes here. */
const PHOTOS = ['coco_val2017_000000039769.png', 'coco_val2017_000000000724.jpg'];
const MAX_NEW_TOKENS = 8;
/** The tiny random student learns visibly in a few steps at this rate (the seed's 5e-5 is for the real one). */
const SETTINGS = { epochs: 2, lr: 0.02, optimizer: 'adamw', batchSize: 1, checkpointEvery: 1 } as const;
const STEPS = SETTINGS.epochs * PHOTOS.length; // every photo accepted, batches of 1

/** What the page and its workers said, attached when the test fails (a crashed worker says why only there). */
const logs: string[] = [];
// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from this pattern
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach('console', { body: logs.join('\n'), contentType: 'text/plain' });
    console.log(
      logs
        .filter((l) => !l.includes('VerifyEachNodeIsAssignedToAnEp'))
        .slice(-40)
        .join('\n'),
    );
  }
  logs.length = 0;
});

test('train on accepted refinements, survive a reload mid-training, export, and load the export in transformers.js', async ({
  page,
  browser,
}, testInfo) => {
  // Captioning, the teacher and training all run on SwiftShader (a CPU) here: minutes, not a timing test.
  test.setTimeout(45 * 60_000);
  const device = testInfo.project.metadata['device'] as 'webgpu' | 'wasm';
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  page.on('worker', (w) =>
    w.on('console', (m) => logs.push(`${w.url().split('/').pop()}: ${m.text().slice(0, 500)}`)),
  );
  page.on('console', (m) => logs.push(`page ${m.type()}: ${m.text().slice(0, 500)}`));
  const studio = new StudioPage(page);
  const critic = new CriticPage(page);
  const training = new TrainingPage(page);

  await studio.open();
  await studio.useModel(TINY_MODEL);
  await studio.setMaxNewTokens(MAX_NEW_TOKENS);
  await studio.drop(PHOTOS.map((n) => pageFile(`${PHOTOS_DIR}/${n}`)));
  await studio.settled();
  const before = await studio.snapshot();
  expect(before.cards.map((c) => c.status)).toEqual(PHOTOS.map(() => 'captioned'));
  expect(before.student.device?.device).toBe(device);

  // Refine with the template engine (the default), the tiny Florence-2 and FastestDet, then accept every one.
  await critic.ready();
  // Florence-2 on WebGPU is e2e/critic.spec.ts's; here it would add minutes of SwiftShader (a CPU) for nothing
  // this test checks, so on WebGPU the critic works from the detector alone.
  await critic.useTinyTeacher({ florence: device === 'wasm', dense: '1' });
  await critic.start();
  await test.step('critique', () => critic.settled());
  expect((await critic.snapshot()).items.map((i) => [i.status, i.error?.message])).toEqual(
    PHOTOS.map(() => ['done', undefined]),
  );
  for (const name of PHOTOS) {
    await critic.open(name);
    await page.getByTestId('critic-accept').click();
    await expect(page.getByTestId('critic-decision')).toHaveAttribute('data-decision', 'accepted');
  }
  const decided = await critic.snapshot();
  expect(decided.items.map((i) => i.decision)).toEqual(PHOTOS.map(() => 'accepted'));

  // Train; the page reloads itself the moment the first checkpoint is stored, in the middle of the run.
  await training.ready();
  await training.configure(SETTINGS);
  const atReload = await test.step('train until a checkpoint, then reload', () =>
    training.trainAndReloadAtFirstCheckpoint());
  expect(atReload.losses.length).toBeGreaterThan(0);
  expect(atReload.losses.length).toBeLessThan(STEPS);
  const resumeStep = Math.max(...atReload.checkpoints.map((c) => c.step));
  expect(resumeStep).toBeGreaterThanOrEqual(SETTINGS.checkpointEvery);

  // The run goes on by itself after the reload (the slice was 'running'), from its own last checkpoint.
  const resumed = await training.until(
    (t) => t.lastStart?.continues === true || t.status === 'done' || t.status === 'failed',
  );
  const summary = (t: typeof resumed) => ({
    status: t.status,
    steps: t.losses.map((l) => l.step),
    checkpoints: t.checkpoints.map((c) => c.step),
    lastStart: t.lastStart,
  });
  expect(
    resumed.lastStart,
    JSON.stringify({ atReload: summary(atReload), after: summary(resumed) }),
  ).toMatchObject({ round: 0, continues: true });
  expect(resumed.lastStart!.fromStep).toBeGreaterThanOrEqual(resumeStep);
  expect(resumed.runIds[0]).toBe(atReload.runIds[0]);

  const done = await test.step('finish the round', () =>
    training.until((t) => t.status === 'done' || t.status === 'failed'));
  expect(done.error).toBeNull();
  expect(done.status).toBe('done');

  // The curve continued where the checkpoint left it: every step once, the loss lower at the end.
  expect(done.losses.map((p) => p.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
  const chart = await training.chartPoints();
  expect(chart.points).toBe(STEPS);
  const epoch = (e: number) => done.losses.filter((p) => p.epoch === e).map((p) => p.loss);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  expect(mean(epoch(1))).toBeLessThan(mean(epoch(0)));
  expect(chart.lastSmoothed).toBeLessThan(chart.first);

  // Checkpoints: the round end is the active one, listed with its size.
  expect(
    done.checkpoints.some((c) => c.kind === 'round-end' && c.step === STEPS && c.id === done.active),
  ).toBe(true);
  await expect(training.checkpoints.first()).toBeVisible();

  // The studio now captions with the tuned student; the before/after view shows all three captions.
  const after = await studio.snapshot();
  expect(after.student.modelId).toContain('+tuned@');
  expect(after.cards.every((c) => c.status === 'captioned' && c.captionModel?.includes('+tuned@'))).toBe(
    true,
  );
  await expect(page.getByTestId('before-after-row')).toHaveCount(PHOTOS.length);
  for (const card of after.cards) {
    expect(done.images[card.id]).toMatchObject({ tuned: card.caption });
    expect(done.images[card.id]!.original).toBe(before.cards.find((c) => c.id === card.id)!.caption);
  }
  await page.screenshot({ path: testInfo.outputPath('training-view.png'), fullPage: true });

  // Export; the zip's model folder in a fresh page with transformers.js gives the studio's captions.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-button').click();
  const download = await downloading;
  const zipPath = testInfo.outputPath('export.zip');
  await download.saveAs(zipPath);
  const { files, manifest } = await exportedModel(zipPath);
  expect(
    manifest.files
      .filter((f) => f.origin === 'tuned')
      .map((f) => f.path)
      .sort(),
  ).toEqual(['onnx/decoder_model.onnx', 'onnx/decoder_model_merged.onnx']);
  const names = after.cards.map((c) => c.name);
  const fresh = await test.step('transformers.js in a fresh page', () =>
    captionInFreshPage(browser, files, { device, images: names, maxNewTokens: MAX_NEW_TOKENS }));
  expect(fresh).toEqual(after.cards.map((c) => c.caption));
});
