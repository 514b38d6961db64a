import type { StoreApi } from 'zustand/vanilla';
import type { CaptionItemResult, CaptionProgress, GenerationSettings } from '../../lib/caption/types';
import { errorSummary } from '../../lib/core/errors';
import { RunControl } from '../../lib/core/run-control';
import type { ImageProgress } from '../../state/slices/caption';
import type { ErrorInfo } from '../../state/slices/ingest';
import type { StudioState } from '../../state/studio-state';
import { isRestartable } from '../bridge/errors';
import { CaptionHistory } from './caption-history';
import { studentRequests } from './student-requests';
import type { MemoryImages } from '../ingest/memory-images';
import type { ImageStorePort, IngestPort, StudentPort } from '../studio-ports';

export interface CaptionRunnerDeps {
  store: StoreApi<StudioState>;
  student: StudentPort;
  images: ImageStorePort;
  ingest: IngestPort;
  memory: MemoryImages;
  /** Images per call to the student = batchSize × this (pixels for one call are held in memory at once). */
  batchesPerCall?: number;
  /** Whole-call failures (worker crash, device lost) retried within one run before it stops. */
  maxRestarts?: number;
  /** False while another tab of the studio owns the work (src/lib/core/tabs): this tab then runs nothing. */
  mayRun?: () => boolean;
  /** Resolves once the state's pending writes are stored (the card's record: its status and caption). */
  persisted?: () => Promise<void>;
}

/**
 * Captions every queued card, a chunk at a time, until none is left; cards dropped meanwhile join the
 * run. Pause, resume and cancel are the user's; results are stored as they arrive (a reload loses at most
 * the images that were being decoded). The UI state is the single source of what is queued.
 */
export class CaptionRunner {
  readonly #deps: Required<CaptionRunnerDeps>;
  #loop: Promise<void> | null = null;
  /** Pause and stop of the run going on; null between runs (the store keeps the pause intent meanwhile). */
  #control: RunControl | null = null;
  /** Counts model (or device) changes, so a run can tell a failure of the model it no longer uses. */
  #studentGeneration = 0;
  /** Set while the run stops for another tab: what it did not finish goes back to the queue, not cancelled. */
  #handingOver = false;
  readonly #history: CaptionHistory;

  constructor(deps: CaptionRunnerDeps) {
    this.#deps = {
      batchesPerCall: 4,
      maxRestarts: 1,
      mayRun: () => true,
      persisted: () => Promise.resolve(),
      ...deps,
    };
    this.#history = new CaptionHistory(this.#deps);
  }

  get #state(): StudioState {
    return this.#deps.store.getState();
  }

  /** Starts a run if there is queued work and none is going on. */
  kick(): void {
    if (this.#loop !== null || !this.#deps.mayRun() || this.#queued().length === 0) return;
    this.#loop = this.#run().finally(() => {
      this.#loop = null;
      // Work queued while the run wound down (after a cancel, say) waits for the next kick.
    });
  }

  /** Resolves when no run is going on. */
  async idle(): Promise<void> {
    while (this.#loop !== null) await this.#loop;
  }

  pause(): void {
    this.#state.setPaused(true);
    void this.#deps.student.pause().catch(() => {});
    this.#control?.pause();
  }

  resume(): void {
    this.#state.setPaused(false);
    void this.#deps.student.resume().catch(() => {});
    this.#control?.resume();
    this.kick();
  }

  /**
   * The model or device setting changed. Whatever stopped the last run (the old model could not load, say)
   * says nothing about the new one: the stale error goes, and the waiting cards are picked up at once. A run
   * that is going on takes the new model from its next call; a failure of the old one does not stop it.
   */
  studentChanged(): void {
    this.#studentGeneration += 1;
    this.#state.clearRunError();
    this.kick();
  }

  /** Stops the run: the current batch ends early, every queued card becomes 'cancelled'. */
  cancel(): void {
    const s = this.#state;
    s.setPaused(false);
    s.setStatus(this.#queued(), 'cancelled');
    if (this.#loop !== null) {
      s.setCancelling();
      this.#control?.stop();
    }
  }

  /**
   * Another tab takes over the work: the current batch ends early, its unfinished images go back to the
   * queue (the new owner captions them), and the run ends. Resolves when it has.
   */
  async handOver(): Promise<void> {
    if (this.#loop === null) return;
    this.#handingOver = true;
    try {
      this.#control?.stop();
      await this.idle();
      const { order, cards } = this.#state;
      this.#state.setStatus(
        order.filter((id) => cards[id]?.status === 'captioning'),
        'queued',
      );
    } finally {
      this.#handingOver = false;
    }
  }

  /** Resolves once every caption's history entry so far is written (or failed). */
  historyWritten(): Promise<void> {
    return this.#history.written();
  }

  /** Writes the history entries a closed tab did not get to write (see CaptionHistory.restore). */
  restoreHistory(): Promise<void> {
    return this.#history.restore();
  }

  /** Queues cards again (cancelled ones, or all after a model change) and starts a run. */
  requeue(ids: readonly string[]): void {
    const s = this.#state;
    const ready = ids.filter((id) => {
      const card = s.cards[id];
      // Only images that were ingested (they have a size) can be captioned; ingest failures stay failed.
      return card !== undefined && card.width !== undefined && card.status !== 'captioning';
    });
    for (const id of ready) s.updateCard(id, { status: 'queued', error: undefined });
    this.kick();
  }

  #queued(): string[] {
    const { order, cards } = this.#state;
    return order.filter((id) => cards[id]?.status === 'queued');
  }

  async #run(): Promise<void> {
    const control = new RunControl();
    this.#control = control;
    let completed = 0;
    let restarts = 0;
    let failure: ErrorInfo | undefined;
    this.#state.runStarted(this.#queued().length);
    try {
      while (await this.#holdWhilePaused(control)) {
        const queue = this.#queued();
        if (queue.length === 0) break;
        const settings: GenerationSettings = { ...this.#state.settings.generation, minNewTokens: 0 };
        const chunk = queue.slice(0, settings.batchSize * this.#deps.batchesPerCall);
        const total = completed + queue.length;
        const generation = this.#studentGeneration;
        const outcome = await this.#caption(chunk, settings, control, completed, total);
        completed += outcome.finished;
        this.#state.runProgress(completed, completed + this.#queued().length, completed / Math.max(1, total));
        // The model changed during the call: its failure was the old model's; the next call loads the new one.
        if (outcome.error !== undefined && generation !== this.#studentGeneration) continue;
        if (outcome.error !== undefined) {
          if (isRestartable(outcome.error) && restarts < this.#deps.maxRestarts) {
            restarts += 1;
            continue;
          }
          failure = outcome.error;
          break;
        }
      }
    } finally {
      this.#control = null;
      this.#state.setProgress({});
      this.#state.runFinished(failure);
    }
  }

  /**
   * Waits while the person paused; false once the run is stopped. The pause intent is the store's (another
   * tab may have set it): the control takes it from there at each safe point, and only this tab's Resume,
   * Cancel or handover wakes a waiting run.
   */
  #holdWhilePaused(control: RunControl): Promise<boolean> {
    if (this.#state.run.paused) control.pause();
    else control.resume();
    return control.checkpoint();
  }

  /** One call to the student for `chunk`; returns how many cards got a final result, or the call's error. */
  async #caption(
    chunk: string[],
    settings: GenerationSettings,
    control: RunControl,
    completedBefore: number,
    total: number,
  ): Promise<{ finished: number; error?: ErrorInfo }> {
    const s = this.#state;
    s.setStatus(chunk, 'captioning');
    s.setProgress(
      Object.fromEntries(chunk.map((id) => [id, waiting(settings.maxNewTokens)])) as Record<
        string,
        ImageProgress
      >,
    );
    const requests = await studentRequests(chunk, this.#deps);
    let finished = chunk.length - requests.length; // images that failed to decode are final already
    if (requests.length === 0) return { finished };
    // Paused while the pixels were being decoded: the student has no run yet to pause, so wait here.
    await this.#holdWhilePaused(control);
    const { signal } = control;

    // Progress reports are messages too: one may arrive after the call has returned. Those are stale.
    let open = true;
    const onProgress = (p: CaptionProgress): void => {
      if (!open) return;
      for (const item of p.finished) this.#apply(item);
      const progress = { ...this.#state.progress };
      for (const a of p.active) {
        progress[a.id] = { stage: a.stage, generatedTokens: a.generatedTokens, maxNewTokens: a.maxNewTokens };
      }
      this.#state.setProgress(progress);
      const fraction = (completedBefore + p.fraction * chunk.length) / Math.max(1, total);
      this.#state.runProgress(completedBefore + p.completed, total, fraction);
      // A pause pressed just before this call began found nothing to pause: say it again.
      if (this.#state.run.paused && p.state === 'running') void this.#deps.student.pause().catch(() => {});
    };
    try {
      const result = await this.#deps.student.caption(requests, settings, onProgress, signal);
      open = false;
      for (const item of result.items) this.#apply(item);
      finished += result.items.filter((item) => item.status !== 'cancelled').length;
      return { finished };
    } catch (error) {
      open = false;
      const info = errorSummary(error);
      // Aborted before the worker started captioning (e.g. during model load): the chunk is cancelled.
      const status = signal.aborted && !this.#handingOver ? 'cancelled' : 'queued';
      const { cards } = this.#state;
      this.#state.setStatus(
        chunk.filter((id) => cards[id]?.status === 'captioning'),
        status,
      );
      return signal.aborted ? { finished } : { finished, error: info };
    }
  }

  /** Puts one result on its card (once: later reports of the same item change nothing). */
  #apply(item: CaptionItemResult): void {
    const s = this.#state;
    const card = s.cards[item.id];
    if (card === undefined || card.status !== 'captioning') return;
    if (item.status === 'done') {
      const modelId = this.#deps.student.modelId();
      s.updateCard(item.id, {
        status: 'captioned',
        caption: item.caption,
        captionModel: modelId,
        error: undefined,
      });
      if (card.saved) {
        const extra = { tokenIds: item.tokenIds, settings: { ...s.settings.generation } };
        this.#history.add({ id: item.id, name: card.name, modelId, caption: item.caption, extra });
      }
    } else if (item.status === 'failed') {
      s.updateCard(item.id, {
        status: 'failed',
        error: { name: item.error.name, message: item.error.message },
      });
    } else {
      s.updateCard(item.id, { status: this.#handingOver ? 'queued' : 'cancelled' });
    }
  }
}

function waiting(maxNewTokens: number): ImageProgress {
  return { stage: 'waiting', generatedTokens: 0, maxNewTokens };
}
