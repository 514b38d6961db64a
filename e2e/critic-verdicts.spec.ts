import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { CriticPage } from './pages/critic-page';
import { StudioPage, TINY_MODEL } from './pages/studio-page';
import { pageFile, PHOTOS_DIR } from './support/files';
import { startFakeOpenAI } from './support/openai-server';

const CATS = 'coco_val2017_000000039769.png';
/**
 * Two cats are on the photo (FastestDet finds both); the committed calibration says the detector finds most dogs
 * that are there (a missed dog is contradicted) and only some cups (a missed cup is unverified).
 */
const CAPTION = 'Two cats and a dog with a cup.';

/** The committed table's recall of a category, as the critic writes it ("86 %"). */
function recall(category: string): string {
  const table = JSON.parse(readFileSync('src/lib/critic/evidence-calibration.json', 'utf8')) as {
    categories: Record<string, { present: number; named: number }>;
  };
  const c = table.categories[category]!;
  return `${Math.round((100 * c.named) / c.present)} %`;
}

/**
 * Calibrated verdicts with the committed table, on the detector alone (the table's own evidence). The caption to
 * critique comes in through the critic's test hook (critiqueCaption): the tests' student writes word salad and
 * no control lets a person choose the caption that is critiqued. The template critic's rewrite drops only the
 * contradicted dog (backed: it reaches the training set); an endpoint critic that also drops the unverified cup
 * writes a rewrite that is not backed: accepted, but not trained on, and the critic says why.
 */
test('calibrated verdicts: a confirmed, a contradicted and an unverified mention; only the backed rewrite is trained on', async ({
  page,
}, testInfo) => {
  test.skip(
    testInfo.project.metadata['device'] !== 'wasm',
    'verdicts and backing do not depend on the device',
  );
  test.setTimeout(10 * 60_000);
  const server = await startFakeOpenAI([], (kind, messages) => {
    if (kind === 'feedback') return '<FEEDBACK>Leave out the dog and the cup: neither is there.</FEEDBACK>';
    if (kind === 'rewrite') return '<IMPROVED_CAPTION>Two cats.</IMPROVED_CAPTION>';
    const caption = /Caption: "(.*)"/.exec(messages[1]?.content ?? '')?.[1] ?? '';
    return caption.includes('dog')
      ? '{"mentioned": ["cat"], "hallucinated": [{"object": "dog", "text": "a dog"}, {"object": "cup", "text": "a cup"}], "missing": [], "count_errors": [], "relation_errors": []}'
      : '{"mentioned": ["cat"], "hallucinated": [], "missing": [], "count_errors": [], "relation_errors": []}';
  });
  try {
    const studio = new StudioPage(page);
    const critic = new CriticPage(page);
    await studio.open();
    await studio.useModel(TINY_MODEL);
    await studio.setMaxNewTokens(8);
    await studio.drop([pageFile(`${PHOTOS_DIR}/${CATS}`)]);
    await studio.settled();
    const id = (await studio.snapshot()).cards[0]!.id;
    await critic.ready();
    await critic.useTinyTeacher({ florence: false });
    await page.getByTestId('critic-calibrated').check();
    const critique = () =>
      page.evaluate(([i, c]) => window.__capgradCritic!.critiqueCaption(i!, c!), [id, CAPTION]);

    // The template critic: one mention of each verdict, with the evidence behind it.
    await critique();
    await critic.settled();
    let [item] = (await critic.snapshot()).items;
    expect(item).toMatchObject({
      status: 'done',
      caption: CAPTION,
      refined: 'Two cats with a cup.',
      backed: true,
    });
    await critic.open(CATS);
    const mentions = critic.detail.locator('[data-testid="version"][data-index="0"] [data-testid="mention"]');
    await expect(mentions).toHaveCount(3);
    const lines = await mentions.evaluateAll((els) =>
      els.map((el) => ({
        object: el.getAttribute('data-object'),
        verdict: el.getAttribute('data-verdict'),
        text: el.textContent,
      })),
    );
    testInfo.annotations.push({ type: 'mentions', description: lines.map((l) => l.text).join('\n') });
    expect(lines.map((l) => [l.object, l.verdict])).toEqual([
      ['cat', 'confirmed'],
      ['dog', 'contradicted'],
      ['cup', 'unverified'],
    ]);
    expect(lines[0]!.text).toMatch(
      /^Confirmed "Two cats" \(cat\): Shown by the detector \(2 objects, best box \d+ %, zoom levels? [\d, ]+\)\.$/,
    );
    expect(lines[1]!.text).toBe(
      `Contradicted "a dog" (dog): No evidence; the detector finds ${recall('dog')} of them when they are there.`,
    );
    expect(lines[2]!.text).toBe(
      `Unverified "a cup" (cup): No evidence, but the detector finds only ${recall('cup')} of them when ` +
        'they are there: left as written.',
    );
    await expect(critic.detail.getByTestId('critique-finding')).toHaveText([
      /^Not in the image: "a dog" \(dog\)\./,
    ]);

    // Backed: accepted, it is what the next round trains on.
    await expect(critic.detail.getByTestId('critic-not-backed')).toHaveCount(0);
    await page.getByTestId('critic-accept').click();
    await expect(critic.detail.getByTestId('critic-target')).toHaveText(
      'Training target: Two cats with a cup.',
    );
    await expect(page.getByTestId('train-button')).toBeEnabled();
    await expect(page.getByTestId('train-button')).toHaveAttribute('title', 'Train on 1 accepted captions');

    // An endpoint critic that also drops the unverified cup: not backed, and accepting it trains on nothing.
    await critic.useEndpoint(server.url, 'test-model', 'sk-test');
    await critique();
    await critic.settled();
    [item] = (await critic.snapshot()).items;
    expect(item).toMatchObject({
      status: 'done',
      decision: 'pending',
      engine: 'openai:test-model',
      refined: 'Two cats.',
      backed: false,
      unbackedChanges: { removed: [{ object: 'cup', verdict: 'unverified' }], added: [] },
    });
    await expect(page.getByTestId('train-button')).toBeDisabled();
    const why =
      `Not backed by the evidence: removes 'cup', which the detector often misses ` +
      `(it finds ${recall('cup')} of them).`;
    const notBacked = critic.detail.getByTestId('critic-not-backed');
    await expect(notBacked).toHaveText(
      `${why} Accepting it will not put it in the training set; an edit of yours will.`,
    );
    // The engine's critique gets the same verdicts: they come from the evidence, not from the engine.
    expect(await mentions.evaluateAll((els) => els.map((el) => el.getAttribute('data-verdict')))).toEqual([
      'confirmed',
      'contradicted',
      'unverified',
    ]);
    await page.getByTestId('critic-accept').click();
    await expect(critic.item(CATS)).toHaveAttribute('data-decision', 'accepted');
    await expect(critic.item(CATS)).toHaveAttribute('data-backed', 'false');
    await expect(critic.item(CATS).getByTestId('critic-item-not-backed')).toContainText(
      'not backed: not trained on',
    );
    await expect(notBacked).toHaveText(
      `${why} Accepted, but not in the training set: edit the caption to train on it.`,
    );
    await expect(page.getByTestId('train-button')).toBeDisabled();
    await expect(page.getByTestId('train-button')).toHaveAttribute(
      'title',
      'Accept or edit refined captions first',
    );
    await expect(page.getByTestId('train-unbacked')).toHaveText(
      '1 accepted rewrite left out: not backed by the evidence (the Critic panel says why; an edit of yours counts).',
    );
    await page.screenshot({ path: testInfo.outputPath('critic-verdicts.png'), fullPage: true });
  } finally {
    await server.close();
  }
});
