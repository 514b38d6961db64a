import type { StoreApi } from 'zustand/vanilla';
import type {
  CaptionItemResult,
  CaptionProgress,
  CaptionRequest,
  GenerationSettings,
} from '../../lib/caption/types';
import { errorSummary } from '../../lib/core/errors';
import { notSavedMessage } from '../../state/persist/not-saved';
import type { ImageProgress } from '../../state/slices/caption';
import type { ErrorInfo } from '../../state/slices/ingest';
import type { StudioState } from '../../state/studio-state';
import { ImageMissingError } from './errors';
import type { MemoryImages } from '../ingest/memory-images';
import type { ImageStorePort, IngestPort, StudentPort } from '../pipeline-ports';

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

/** Failures of a whole call that a fresh worker may not repeat. */
const RESTARTABLE = new Set(['WorkerCrashedError', 'DeviceLostError']);

/**
 * Captions every queued card, a chunk at a time, until none is left; cards dropped meanwhile join the
 * run. Pause, resume and cancel are the user's; results are stored as they arrive (a reload loses at most
 * the images that were being decoded). The UI state is the single source of what is queued.
 */
export class CaptionRunner {
  readonly #deps: Required<CaptionRunnerDeps>;
  #loop: Promise<void> | null = null;
  #abort: AbortController | null = null;
  #wakeFromPause: (() => void) | null = null;
  /** Counts model (or device) changes, so a run can tell a failure of the model it no longer uses. */
  #studentGeneration = 0;
  /** Set while the run stops for another tab: what it did not finish goes back to the queue, not cancelled. */
  #handingOver = false;
  /** Caption history entries waiting for their card's record to be stored, by card id. */
  readonly #historyWrites = new Map<string, Promise<void>>();
  /** The check of stored cards against their history (restoreHistory), while it runs. */
  #restoring: Promise<void> | null = null;

  constructor(deps: CaptionRunnerDeps) {
    this.#deps = {
      batchesPerCall: 4,
      maxRestarts: 1,
      mayRun: () => true,
      persisted: () => Promise.resolve(),
      ...deps,
    };
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
  }

  resume(): void {
    this.#state.setPaused(false);
    void this.#deps.student.resume().catch(() => {});
    this.#wakeFromPause?.();
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
      this.#abort?.abort();
      this.#wakeFromPause?.();
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
      this.#abort?.abort();
      this.#wakeFromPause?.();
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
  async historyWritten(): Promise<void> {
    await this.#restoring;
    while (this.#historyWrites.size > 0) await Promise.all([...this.#historyWrites.values()]);
  }

  /**
   * The history entries a closed tab did not get to write: a card stored as captioned whose caption is not in
   * its history (the tab closed between the card's record and the entry) gets the entry now. Run by the owner
   * when it starts; cards whose entry this tab is about to write are left to that write.
   */
  restoreHistory(): Promise<void> {
    this.#restoring ??= this.#restoreHistory().finally(() => (this.#restoring = null));
    return this.#restoring;
  }

  async #restoreHistory(): Promise<void> {
    const { order, cards } = this.#state;
    for (const id of order) {
      const card = cards[id];
      if (card?.status !== 'captioned' || !card.saved || this.#historyWrites.has(id)) continue;
      if (card.caption === undefined || card.captionModel === undefined) continue;
      try {
        if (await this.#deps.images.hasCaption(id, card.captionModel, card.caption)) continue;
        // Checked again after the read: a caption this tab made meanwhile writes its own entry.
        const now = this.#state.cards[id];
        if (this.#historyWrites.has(id) || now?.caption !== card.caption) continue;
        await this.#deps.images.addCaption(id, card.captionModel, card.caption, { restored: true });
      } catch {
        // Storage full or gone: the card keeps its caption (what the studio shows); the entry is tried again
        // at the next start. Not reported at every start: the banner names what the person would miss.
        return;
      }
    }
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
    const abort = new AbortController();
    this.#abort = abort;
    let completed = 0;
    let restarts = 0;
    let failure: ErrorInfo | undefined;
    this.#state.runStarted(this.#queued().length);
    try {
      while (!abort.signal.aborted) {
        await this.#waitWhilePaused(abort.signal);
        const queue = this.#queued();
        if (abort.signal.aborted || queue.length === 0) break;
        const settings: GenerationSettings = { ...this.#state.settings.generation, minNewTokens: 0 };
        const chunk = queue.slice(0, settings.batchSize * this.#deps.batchesPerCall);
        const total = completed + queue.length;
        const generation = this.#studentGeneration;
        const outcome = await this.#caption(chunk, settings, abort.signal, completed, total);
        completed += outcome.finished;
        this.#state.runProgress(completed, completed + this.#queued().length, completed / Math.max(1, total));
        // The model changed during the call: its failure was the old model's; the next call loads the new one.
        if (outcome.error !== undefined && generation !== this.#studentGeneration) continue;
        if (outcome.error !== undefined) {
          if (RESTARTABLE.has(outcome.error.name) && restarts < this.#deps.maxRestarts) {
            restarts += 1;
            continue;
          }
          failure = outcome.error;
          break;
        }
      }
    } finally {
      this.#abort = null;
      this.#state.setProgress({});
      this.#state.runFinished(failure);
    }
  }

  async #waitWhilePaused(signal: AbortSignal): Promise<void> {
    while (this.#state.run.paused && !signal.aborted) {
      await new Promise<void>((resolve) => {
        this.#wakeFromPause = resolve;
      });
      this.#wakeFromPause = null;
    }
  }

  /** One call to the student for `chunk`; returns how many cards got a final result, or the call's error. */
  async #caption(
    chunk: string[],
    settings: GenerationSettings,
    signal: AbortSignal,
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
    const requests = await this.#requests(chunk);
    let finished = chunk.length - requests.length; // images that failed to decode are final already
    if (requests.length === 0) return { finished };
    // Paused while the pixels were being decoded: the student has no run yet to pause, so wait here.
    await this.#waitWhilePaused(signal);

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

  /**
   * The student's pixels for each card, always decoded the same way from the file (the ingest worker's
   * student size), so a caption does not depend on whether the image was just dropped or reloaded.
   */
  async #requests(chunk: readonly string[]): Promise<CaptionRequest[]> {
    const requests: CaptionRequest[] = [];
    for (const id of chunk) {
      const card = this.#state.cards[id];
      if (card === undefined) continue;
      try {
        const file = card.saved ? await this.#deps.images.getFile(id) : this.#deps.memory.unsavedFile(id);
        if (file === undefined) {
          throw new ImageMissingError(
            `The file of "${card.name}" is gone (storage had no room for it). Drop it again.`,
          );
        }
        const pixels = await this.#deps.ingest.decode(file, card.name);
        requests.push({
          id,
          image: { width: pixels.width, height: pixels.height, channels: 4, data: pixels.data },
        });
      } catch (error) {
        this.#state.updateCard(id, { status: 'failed', error: errorSummary(error) });
      }
    }
    return requests;
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
        // The card's record (status and caption in one record, one transaction) is what says the photo is
        // captioned. The caption's history entry goes in after that record is stored: a tab closed in between
        // then leaves no history entry for a caption whose card still waits, and that the next owner redoes.
        const extra = { tokenIds: item.tokenIds, settings: { ...s.settings.generation } };
        const write = this.#deps
          .persisted()
          .then(() => this.#deps.images.addCaption(item.id, modelId, item.caption, extra))
          .catch((error: unknown) => {
            s.reportNotSaved(`caption of "${card.name}"`, notSavedMessage(error));
          })
          .finally(() => {
            if (this.#historyWrites.get(item.id) === write) this.#historyWrites.delete(item.id);
          });
        this.#historyWrites.set(item.id, write);
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
