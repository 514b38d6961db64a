import { expect, type Locator, type Page } from '@playwright/test';
import type { TrainingState } from '../../src/state/slices/train';
import type {} from '../../src/app/train/test-hook';

export interface TrainSettings {
  epochs: number;
  lr: number;
  optimizer: 'radam' | 'adamw';
  batchSize: number;
  checkpointEvery: number;
  /** What trains (left as it is when absent). */
  mode?: 'lora' | 'last-blocks' | 'full';
  /** The objective (left as it is when absent); β and α for the preference objective. */
  objective?: { kind: 'caption' } | { kind: 'preference'; beta: number; chosenWeight: number };
}

/** sessionStorage key of the slice as it was when trainAndReloadAtFirstCheckpoint reloaded the page. */
const AT_RELOAD_KEY = 'capgrad-e2e-training-at-reload';

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
    if (s.mode) await p.getByTestId('train-mode').selectOption(s.mode);
    if (s.objective) {
      await p.getByTestId('train-objective').selectOption(s.objective.kind);
      if (s.objective.kind === 'preference') {
        await p.getByTestId('train-preference-beta').fill(String(s.objective.beta));
        await p.getByTestId('train-preference-alpha').fill(String(s.objective.chosenWeight));
      }
    }
  }

  async train(): Promise<void> {
    await expect(this.page.getByTestId('train-button')).toBeEnabled();
    await this.page.getByTestId('train-button').click();
  }

  /**
   * Starts training and reloads the page from inside it at the moment the first checkpoint is in the slice: a poll
   * from Node could miss the middle of the run on a fast device (WASM trains the tiny student's 4 steps in about a
   * second). Returns the slice as it was at that moment (kept in sessionStorage, which survives the reload) once
   * the reloaded studio is up; the caller checks that it was mid-run.
   */
  async trainAndReloadAtFirstCheckpoint(): Promise<TrainingState> {
    await this.page.evaluate((key) => {
      const stop = window.__capgradTraining!.subscribe((t) => {
        if (t.status !== 'running' || t.checkpoints.length === 0) return;
        stop();
        // The page lives on until the reload commits, and WASM would finish the run meanwhile: hold the worker
        // first (it stops after the step it is in, the slice still says 'running'), as a closed tab would.
        // Then reload once the slice (the checkpoint's row) is stored: a write cut short by the unload would
        // leave the bytes without their row, and the run would start over (at most one interval lost, but not
        // the resume this test is about).
        window.__capgradTraining!.holdWorker();
        sessionStorage.setItem(key, JSON.stringify(t));
        // zustand's persist hands the new state to storage only after the listeners ran: wait a task first.
        setTimeout(() => void window.__capgradTraining!.persisted().then(() => location.reload()), 0);
      });
    }, AT_RELOAD_KEY);
    const reloaded = this.page.waitForEvent('load', { timeout: 600_000 });
    await this.train();
    await reloaded;
    await this.page.waitForFunction(() => window.__capgrad !== undefined);
    await this.ready();
    const seen = await this.page.evaluate((key) => sessionStorage.getItem(key), AT_RELOAD_KEY);
    return JSON.parse(seen!) as TrainingState;
  }

  async snapshot(): Promise<TrainingState> {
    return this.page.evaluate(() => window.__capgradTraining!.snapshot());
  }

  /** Waits until the slice satisfies `condition` (polled in the page). */
  async until(condition: (t: TrainingState) => boolean, timeout = 600_000): Promise<TrainingState> {
    let last: TrainingState | undefined;
    try {
      await expect
        .poll(
          async () => {
            last = await this.snapshot();
            return condition(last);
          },
          { timeout, intervals: [250, 500, 1000] },
        )
        .toBe(true);
    } catch (error) {
      // Say where training was, not only that the condition never held.
      const where = last && {
        status: last.status,
        position: last.position,
        steps: last.losses.length,
        checkpoints: last.checkpoints.map((c) => c.step),
        error: last.error,
      };
      throw new Error(`training never reached the condition; last seen: ${JSON.stringify(where)}`, {
        cause: error,
      });
    }
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
