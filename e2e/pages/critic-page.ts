import { expect, type Locator, type Page } from '@playwright/test';
import type { CriticDetail } from '../../src/flows/critic/critic';
import type { CriticSnapshot } from '../../src/app/critic/test-hook';

/** The tiny random Florence-2 committed under public/models/ (the hub is unreachable in tests). */
export const TINY_FLORENCE = 'tiny-random/florence-2';

/** The critic's panels as a person sees them, through test ids; numbers come from the critic's test hook. */
export class CriticPage {
  readonly items: Locator;
  readonly detail: Locator;
  readonly runState: Locator;
  readonly teacherBadge: Locator;

  constructor(readonly page: Page) {
    this.items = page.getByTestId('critic-item');
    this.detail = page.getByTestId('critic-detail');
    this.runState = page.getByTestId('critic-run-state');
    this.teacherBadge = page.getByTestId('teacher-badge');
  }

  async ready(): Promise<void> {
    await this.page.waitForFunction(() => window.__capgradCritic !== undefined);
  }

  /** A small teacher for tests: the tiny Florence-2 (or none), few tokens, greedy, region captions on `dense`. */
  /**
   * The plain rule instead of calibrated verdicts (the default): every mention the evidence does not show is a
   * hallucination and every salient object an omission, so every photo gets findings to act on.
   */
  async usePlainRule(): Promise<void> {
    await this.page.getByTestId('critic-calibrated').uncheck();
  }

  async useTinyTeacher(options: { florence: boolean; dense?: string; maxTokens?: number }): Promise<void> {
    const p = this.page;
    if (!options.florence) await p.getByTestId('teacher-use-florence').uncheck();
    await p.getByTestId('teacher-model-id').fill(TINY_FLORENCE);
    await p.getByTestId('teacher-max-tokens').fill(String(options.maxTokens ?? 12));
    await p.getByTestId('teacher-beams').fill('1');
    await p.getByTestId('teacher-dense-zooms').fill(options.dense ?? '1, 2');
  }

  async useEndpoint(baseUrl: string, model: string, key: string): Promise<void> {
    await this.page.getByTestId('critic-engine').selectOption('openai');
    await this.page.getByTestId('critic-openai-url').fill(baseUrl);
    await this.page.getByTestId('critic-openai-model').fill(model);
    await this.page.getByTestId('critic-openai-key').fill(key);
  }

  async start(): Promise<void> {
    await this.page.getByTestId('critic-start').click();
  }

  async settled(): Promise<void> {
    await this.page.evaluate(() => window.__capgradCritic!.settled());
  }

  async snapshot(): Promise<CriticSnapshot> {
    return this.page.evaluate(() => window.__capgradCritic!.snapshot());
  }

  async stored(id: string): Promise<CriticDetail> {
    return this.page.evaluate((imageId) => window.__capgradCritic!.detail(imageId), id);
  }

  item(name: string): Locator {
    return this.page.locator(`[data-testid="critic-item"][data-name="${name}"]`);
  }

  async open(name: string): Promise<void> {
    await this.item(name).getByTestId('critic-item-open').click();
    await expect(this.detail).toBeVisible();
  }

  /** Boxes drawn over the image, as (source, zoom, label). */
  async boxes(): Promise<Array<{ source: string; zoom: number; label: string }>> {
    return this.detail.getByTestId('evidence-box').evaluateAll((els) =>
      els.map((el) => ({
        source: el.getAttribute('data-source') ?? '',
        zoom: Number(el.getAttribute('data-zoom')),
        label: el.getAttribute('data-label') ?? '',
      })),
    );
  }
}
