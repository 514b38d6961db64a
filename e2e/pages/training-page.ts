import { expect, type Locator, type Page } from '@playwright/test';
import type { TrainingState } from '../../src/state/slices/training';
import type {} from '../../src/app/training/test-hook';

export interface TrainSettings {
  epochs: number;
  lr: number;
  optimizer: 'radam' | 'adamw';
  batchSize: number;
  checkpointEvery: number;
}

/** The fine-tuning view as a person sees it, through test ids; numbers come from the training test hook. */
export class TrainingPage {
  readonly view: Locator;
  readonly status: Locator;
  readonly lossChart: Locator;
  readonly checkpoints: Locator;

  constructor(readonly page: Page) {
    this.view = page.getByTestId('training-view');
    this.status = page.getByTestId('train-status');
    this.lossChart = page.getByTestId('loss-chart');
    this.checkpoints = page.getByTestId('checkpoint-row');
  }

  async ready(): Promise<void> {
    await this.page.waitForFunction(() => window.__capgradTraining !== undefined);
  }

  async configure(s: TrainSettings): Promise<void> {
    const p = this.page;
    await p.getByTestId('train-settings').locator('summary').click();
    await p.getByTestId('train-epochs').fill(String(s.epochs));
    await p.getByTestId('train-lr').fill(String(s.lr));
    await p.getByTestId('train-optimizer').selectOption(s.optimizer);
    await p.getByTestId('train-batch').fill(String(s.batchSize));
    await p.getByTestId('train-checkpoint-every').fill(String(s.checkpointEvery));
  }

  async train(): Promise<void> {
    await expect(this.page.getByTestId('train-button')).toBeEnabled();
    await this.page.getByTestId('train-button').click();
  }

  async snapshot(): Promise<TrainingState> {
    return this.page.evaluate(() => window.__capgradTraining!.snapshot());
  }

  /** Waits until the slice satisfies `condition` (polled in the page). */
  async until(condition: (t: TrainingState) => boolean, timeout = 600_000): Promise<TrainingState> {
    let last: TrainingState | undefined;
    await expect
      .poll(
        async () => {
          last = await this.snapshot();
          return condition(last);
        },
        { timeout, intervals: [250, 500, 1000] },
      )
      .toBe(true);
    return last!;
  }

  async chartPoints(): Promise<{ points: number; first: number; lastSmoothed: number }> {
    const chart = this.lossChart;
    return {
      points: Number(await chart.getAttribute('data-points')),
      first: Number(await chart.getAttribute('data-first-loss')),
      lastSmoothed: Number(await chart.getAttribute('data-last-smoothed')),
    };
  }
}
