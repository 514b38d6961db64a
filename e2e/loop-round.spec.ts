/**
 * Issue 13 in the tab: one round of the studio's loop on the sample scenes — the offline student's captions →
 * the critic (detector alone, calibrated verdicts, the defaults offline) → accept the backed rewrites → train →
 * the studio re-captions with the tuned student — and the planted bias (chair → person) is named on fewer of the
 * `bias` scenes (a chair, no person) than before. The margin comes from the proving-ground bench
 * (docs/measurements.md): see ROUND below. Not a timing test.
 */
import { expect, test } from '@playwright/test';
import { names, sampleScenes } from '../test/support/sample-scenes';
import { CriticPage } from './pages/critic-page';
import { StudioPage } from './pages/studio-page';
import { TrainingPage, type TrainSettings } from './pages/training-page';

/** The planted bias of the sample scenes (public/samples/scenes/README.md): B, named where only A is. */
const B = 'person';

/**
 * The round's settings and the drop it must show, from the proving-ground bench (docs/measurements.md,
 * "Proving ground"): its (f) arm with α = 1 (the Train view's preference setting as it is first offered), the
 * whole decoder at 5e-4, and about one bench round of steps (the ~12 backed rewrites × 8 epochs at batch 1; the
 * bench takes 96 steps a round). There, B on `bias` fell from 0.683 to 0.239 ± 0.058 over 3 seeds: 2.2 ± 0.3 of
 * 5 scenes; the test asks for 1. (Measured here: 3 of 5 → 1.)
 */
const ROUND: { settings: TrainSettings; fewerBiasScenes: number } = {
  settings: {
    epochs: 8,
    lr: 5e-4,
    optimizer: 'radam',
    batchSize: 1,
    checkpointEvery: 1000,
    mode: 'full',
    objective: { kind: 'preference', beta: 0.1, chosenWeight: 1 },
  },
  fewerBiasScenes: 1,
};

test('one round on the sample scenes: the tuned student names the planted B on fewer bias scenes', async ({
  page,
  context,
}, testInfo) => {
  test.skip(
    testInfo.project.metadata['device'] !== 'wasm',
    "the round's effect does not depend on the device; on SwiftShader it takes minutes",
  );
  test.setTimeout(15 * 60_000);
  await context.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
  const studio = new StudioPage(page);
  const critic = new CriticPage(page);
  const training = new TrainingPage(page);
  const scenes = sampleScenes();
  const bias = scenes.filter((s) => s.fileName.startsWith('bias-')).map((s) => s.fileName);
  expect(bias.length).toBeGreaterThanOrEqual(4);

  await studio.open();
  await studio.loadSampleScenes();
  await studio.expectAllCaptioned(scenes.map((s) => s.fileName));
  const before = new Map((await studio.cardStatuses()).map((c) => [c.name, c.caption ?? '']));

  await critic.ready();
  await critic.start();
  await test.step('critique', () => critic.settled());
  const items = (await critic.snapshot()).items;
  const backed = items.filter((i) => i.status === 'done' && i.backed === true && i.refined !== i.caption);
  expect(backed.length, 'the critic backs some rewrites on the sample scenes').toBeGreaterThan(0);
  const nameOf = new Map((await studio.snapshot()).cards.map((c) => [c.id, c.name]));
  for (const item of backed) {
    await critic.open(nameOf.get(item.imageId)!);
    await page.getByTestId('critic-accept').click();
    await expect(page.getByTestId('critic-decision')).toHaveAttribute('data-decision', 'accepted');
  }

  await training.ready();
  await training.configure(ROUND.settings);
  await training.train();
  const done = await test.step('train one round', () =>
    training.until((t) => t.status === 'done' || t.status === 'failed'));
  expect(done.error).toBeNull();
  // The studio re-captions every card with the tuned student after the round.
  await expect
    .poll(
      async () =>
        (await studio.snapshot()).cards.every(
          (c) => c.status === 'captioned' && c.captionModel?.includes('+tuned@'),
        ),
      { timeout: 10 * 60_000 },
    )
    .toBe(true);
  const after = new Map((await studio.cardStatuses()).map((c) => [c.name, c.caption ?? '']));

  const naming = (captions: Map<string, string>) => bias.filter((n) => names(captions.get(n)!, B)).length;
  const captions = bias.map((n) => `${n}: "${before.get(n)}" → "${after.get(n)}"`).join('\n');
  testInfo.annotations.push({ type: 'bias scenes', description: captions });
  const trained =
    `${backed.length} rewrites accepted, ${done.losses.length} steps ` +
    `(loss ${done.losses[0]?.loss} → ${done.losses.at(-1)?.loss}), ` +
    `settings ${JSON.stringify(done.settings.tuning)}; bias scenes before → after:\n${captions}`;
  expect(naming(after), trained).toBeLessThanOrEqual(naming(before) - ROUND.fewerBiasScenes);
});
