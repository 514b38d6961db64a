import { expect, type Locator, type Page } from '@playwright/test';
import type { CapgradSnapshot } from '../../src/app/test-hook-types';
import type { PageFile } from '../support/files';
import { dispatchDrop, dispatchPaste } from '../support/in-page';

/** The tiny random ViT-GPT2 committed under public/models/ (the hub is unreachable in tests). */
export const TINY_MODEL = 'tiny-random/vit-gpt2';

/** The studio as a person sees it, through test ids; numbers come from the typed test hook. */
export class StudioPage {
  readonly badge: Locator;
  readonly cards: Locator;
  readonly overall: Locator;
  readonly storageBanner: Locator;
  /** The panel shown when the student's model is not on disk and the hub cannot be reached. */
  readonly studentUnavailable: Locator;
  /** Shown in a tab whose studio's work runs in another tab (src/app/TabOwnerBanner.tsx). */
  readonly busyElsewhere: Locator;
  readonly takeOver: Locator;

  constructor(readonly page: Page) {
    this.badge = page.getByTestId('device-badge');
    this.cards = page.getByTestId('image-card');
    this.overall = page.getByTestId('overall-progress');
    this.storageBanner = page.getByTestId('storage-banner');
    this.studentUnavailable = page.getByTestId('student-unavailable');
    this.busyElsewhere = page.getByTestId('tab-busy-banner');
    this.takeOver = page.getByTestId('tab-take-over');
  }

  async open(): Promise<void> {
    await this.page.goto('/');
    await this.page.waitForFunction(() => window.__capgrad !== undefined);
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.page.waitForFunction(() => window.__capgrad !== undefined);
  }

  /** The card of a file, by its full name (a path inside a dropped folder); JSON quoting is valid CSS. */
  card(name: string): Locator {
    return this.page.locator(`[data-testid="image-card"][data-name=${JSON.stringify(name)}]`);
  }

  async useModel(modelId: string): Promise<void> {
    await this.page.getByTestId('settings-model-id').fill(modelId);
    await this.page.getByTestId('settings-model-apply').click();
    await expect(this.page.getByTestId('settings-current-model')).toHaveText(`Using ${modelId}`);
  }

  /** Picks one of the students the settings offer by name (the hub's ViT-GPT2, the trained scenes student). */
  async chooseStudent(modelId: string): Promise<void> {
    await this.page.getByTestId('settings-model-choice').selectOption(modelId);
    await expect(this.page.getByTestId('settings-current-model')).toHaveText(`Using ${modelId}`);
  }

  async setMaxNewTokens(value: number): Promise<void> {
    await this.page.getByTestId('settings-max-tokens').fill(String(value));
  }

  async setBatchSize(value: number): Promise<void> {
    await this.page.getByTestId('settings-batch-size').fill(String(value));
  }

  async setDevice(value: 'auto' | 'webgpu' | 'wasm'): Promise<void> {
    await this.page.getByTestId('settings-device').selectOption(value);
  }

  /** "Load sample scenes": one click adds the committed scenes as cards and imports their ground truth. */
  async loadSampleScenes(): Promise<void> {
    await this.page.getByTestId('load-samples').click();
    await expect(this.page.getByTestId('load-samples')).toBeEnabled();
  }

  async drop(files: PageFile[], folders: PageFile[][] = []): Promise<void> {
    await this.page.evaluate(dispatchDrop, { files, folders });
  }

  async paste(file: PageFile): Promise<void> {
    await this.page.evaluate(dispatchPaste, file);
  }

  async pickFiles(paths: string[]): Promise<void> {
    await this.page.getByTestId('file-input').setInputFiles(paths);
  }

  async pickFolder(dir: string): Promise<void> {
    await this.page.getByTestId('folder-input').setInputFiles(dir);
  }

  /** Waits until nothing is read, decoded or captioned and the state is written. */
  async settled(): Promise<void> {
    await this.page.evaluate(() => window.__capgrad!.settled());
  }

  /**
   * Arms a click on `testId` for the moment at least `count` cards are captioned: it happens in the page, in the
   * same task as the store change, so no further batch can finish first however fast the device is. Call it
   * before the action that starts the work; `clicked()` waits for it.
   */
  async clickWhenCaptioned(count: number, testId: string): Promise<void> {
    await this.page.evaluate(
      ({ count, testId }) => {
        const hook = window.__capgrad!;
        hook.armed = new Promise<void>((resolve, reject) => {
          const reached = (s: CapgradSnapshot): boolean =>
            s.cards.filter((c) => c.status === 'captioned').length >= count;
          const click = (): void => {
            const button = document.querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`);
            if (button === null) reject(new Error(`no ${testId} when ${count} cards were captioned`));
            else resolve(button.click());
          };
          if (reached(hook.snapshot())) return click();
          const stop = hook.subscribe((s) => {
            if (!reached(s)) return;
            stop();
            // After this store update has reached every listener (React's too), still before any worker reply.
            queueMicrotask(click);
          });
        });
      },
      { count, testId },
    );
  }

  /** Waits for the click armed by clickWhenCaptioned. */
  async clicked(): Promise<void> {
    await this.page.evaluate(() => window.__capgrad!.armed);
  }

  /** Card names and statuses as this tab's store has them, in order. */
  async cardStatuses(): Promise<{ name: string; status: string; caption: string | null }[]> {
    const { cards } = await this.snapshot();
    return cards.map((c) => ({ name: c.name, status: c.status, caption: c.caption ?? null }));
  }

  /** Waits until this tab shows exactly `names` (in any order), each once and captioned. */
  async expectAllCaptioned(names: readonly string[], timeout = 10 * 60_000): Promise<void> {
    await expect
      .poll(
        async () => {
          const cards = await this.cardStatuses();
          return cards
            .map((c) => `${c.name}:${c.status}:${c.caption === null ? 'no caption' : 'caption'}`)
            .sort();
        },
        { timeout, intervals: [500, 1000, 2000] },
      )
      .toEqual(names.map((name) => `${name}:captioned:caption`).sort());
  }

  async snapshot(): Promise<CapgradSnapshot> {
    return this.page.evaluate(() => window.__capgrad!.snapshot());
  }

  /** What the card shows, read from the DOM (not the store): the test checks what a person sees. */
  async shown(
    card: Locator,
  ): Promise<{ status: string; caption: string | null; error: string | null; errorName: string | null }> {
    return card.evaluate((el) => ({
      status: el.getAttribute('data-status') ?? '',
      caption: el.querySelector('[data-testid="card-caption"]')?.textContent ?? null,
      error: el.querySelector('[data-testid="card-error"]')?.textContent ?? null,
      errorName: el.querySelector('[data-testid="card-error"]')?.getAttribute('data-error-name') ?? null,
    }));
  }
}
