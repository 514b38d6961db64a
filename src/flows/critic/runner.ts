import { errorSummary } from '../../lib/core/errors';
import { RunControl } from '../../lib/core/run-control';
import type { CriticItem } from '../../lib/critic/records';
import type { EvidenceRequest } from '../../lib/evidence/teacher/types';
import { toTeacherSettings } from '../../state/slices/teacher-settings';
import type { StudioState } from '../../state/studio-state';
import { isRestartable } from '../bridge/errors';
import { critiqueImage } from './critique-image';
import type { CriticRunnerDeps } from './ports';

function cancelledError(): { name: string; message: string } {
  return { name: 'AbortError', message: 'Cancelled before the critic finished this image.' };
}

/**
 * The critic's queue: items wait as 'queued'; the runner takes a few at a time, gets their evidence from the
 * teacher worker, runs the TextGrad-style loop in the page, and stores both (content-addressed) before marking
 * the item done. Pause takes effect inside the teacher (between model runs) and between images; cancel stops
 * the teacher at its next model run and leaves the rest 'cancelled'. Nothing is lost on a reload: the queue is
 * in the persisted items, and every teacher and engine call made so far is in the cache.
 */
export class CriticRunner {
  readonly #deps: CriticRunnerDeps;
  #running: Promise<void> | null = null;
  /** Pause and stop of the run going on; null between runs (the store keeps the pause intent meanwhile). */
  #control: RunControl | null = null;
  /** Set while the run stops for another tab: what it did not finish goes back to the queue, not cancelled. */
  #handingOver = false;

  constructor(deps: CriticRunnerDeps) {
    this.#deps = deps;
  }

  #state(): StudioState {
    return this.#deps.store.getState();
  }

  /** Queues these images (captioned ones only) for the critic; `again` redoes finished ones too. */
  enqueue(ids: readonly string[], again = false): number {
    const s = this.#state();
    let queued = 0;
    for (const id of ids) {
      const card = s.cards[id];
      if (card?.caption === undefined || card.status !== 'captioned') continue;
      const item = s.critic.items[id];
      const busy = item?.status === 'evidence' || item?.status === 'refining' || item?.status === 'queued';
      if (busy) continue;
      const fresh = item === undefined || item.caption !== card.caption;
      if (!fresh && !again && item.status === 'done') continue;
      s.criticPutItem({
        imageId: id,
        caption: card.caption,
        captionModel: card.captionModel ?? '',
        status: 'queued',
        // A decision on the same caption stands; a new caption starts over.
        decision: fresh ? 'pending' : item.decision,
        ...(fresh || item.target === undefined ? {} : { target: item.target }),
        ...(fresh || item.targetScore === undefined ? {} : { targetScore: item.targetScore }),
        // Until the new critique says otherwise, an accepted rewrite the evidence did not back stays out of training.
        ...(fresh || item.backed === undefined ? {} : { backed: item.backed }),
        ...(fresh || item.unbackedChanges === undefined ? {} : { unbackedChanges: item.unbackedChanges }),
      });
      queued++;
    }
    this.kick();
    return queued;
  }

  /** Starts working through the queue unless it already does, or the person paused it. */
  kick(): void {
    if (this.#running !== null) {
      // Resumed from another tab (the pause intent is a shared record): a run waiting in its pause goes on.
      if (!this.#state().critic.run.paused) this.#control?.resume();
      return;
    }
    if (this.#state().critic.run.paused || !(this.#deps.mayRun?.() ?? true)) return;
    if (this.#queued().length === 0) return;
    this.#running = this.#loop().finally(() => {
      this.#running = null;
      // Images queued while the loop was winding down (after its last look at the queue) found it still
      // running and were not started: start them now, so the run is never idle with work waiting.
      this.kick();
    });
  }

  pause(): void {
    this.#state().criticRunPatch({ paused: true, ...(this.#running ? { state: 'paused' } : {}) });
    void this.#deps.teacher.pause().catch(() => {});
    this.#control?.pause();
  }

  resume(): void {
    this.#state().criticRunPatch({ paused: false, ...(this.#running ? { state: 'running' } : {}) });
    void this.#deps.teacher.resume().catch(() => {});
    this.#control?.resume();
    this.kick();
  }

  /**
   * Another tab takes over the work: the teacher stops at its next model run, the images it was on go back to
   * the queue (the new owner critiques them; what was stored stays done), and the run ends. Resolves when it
   * has.
   */
  async handOver(): Promise<void> {
    if (this.#running === null) return;
    this.#handingOver = true;
    try {
      this.#control?.stop();
      await this.idle();
    } finally {
      this.#handingOver = false;
    }
  }

  /** What an image the run stopped on becomes: cancelled, or queued again when the run stopped for a handover. */
  #stopped(): Partial<CriticItem> {
    return this.#handingOver
      ? { status: 'queued', error: undefined }
      : { status: 'cancelled', error: cancelledError() };
  }

  cancel(): void {
    const s = this.#state();
    for (const item of this.#queued())
      s.criticPatchItem(item.imageId, { status: 'cancelled', error: cancelledError() });
    if (this.#running === null) return;
    s.criticRunPatch({ state: 'cancelling' });
    this.#control?.stop();
    // The pause intent goes with the run it paused (the teacher too is told to go on, and stops).
    if (s.critic.run.paused) this.resume();
  }

  /** Resolves when no critic work is going on. */
  async idle(): Promise<void> {
    while (this.#running !== null) await this.#running;
  }

  #queued(): CriticItem[] {
    const s = this.#state();
    return s.order.map((id) => s.critic.items[id]).filter((i): i is CriticItem => i?.status === 'queued');
  }

  async #loop(): Promise<void> {
    const s = this.#state();
    const control = new RunControl();
    this.#control = control;
    let completed = 0;
    let restarts = 0;
    s.criticRunPatch({
      state: 'running',
      completed: 0,
      total: this.#queued().length,
      error: null,
      current: null,
    });
    try {
      while (await this.#holdWhilePaused(control)) {
        const batch = this.#queued().slice(0, this.#deps.imagesPerCall ?? 2);
        if (batch.length === 0) break;
        this.#state().criticRunPatch({ total: completed + this.#queued().length });
        try {
          completed += await this.#process(batch, control.signal);
        } catch (error) {
          // The teacher worker crashed or lost its GPU device: its images were not critiqued, so they wait
          // again and a fresh worker takes them (what was stored before stays done and is not redone).
          if (!isRestartable(error) || restarts >= (this.#deps.maxRestarts ?? 3)) throw error;
          restarts++;
          for (const { imageId } of batch) {
            const now = this.#state().critic.items[imageId];
            if (now?.status === 'failed' && isRestartable(now.error)) {
              const { error: _error, ...rest } = now;
              this.#state().criticPutItem({ ...rest, status: 'queued' });
            }
          }
        }
        this.#state().criticRunPatch({ completed });
      }
    } catch (error) {
      // The teacher itself failed (load, crash): the images still waiting need the same teacher, so they
      // fail with the same reason rather than wait in an idle queue; Refine captions queues them again.
      const info = errorSummary(error);
      for (const item of this.#queued())
        this.#state().criticPatchItem(item.imageId, { status: 'failed', error: info });
      this.#state().criticRunPatch({ error: info });
    } finally {
      this.#control = null;
      this.#state().criticRunPatch({ state: 'idle', current: null });
    }
  }

  /**
   * Waits while the person paused (the run says so); false once the run is stopped. The pause intent is the
   * store's, shared with the other tabs: the control takes it from there at each safe point, and a waiting
   * run goes on at this tab's Resume or at a kick that finds the intent cleared (resumed from another tab).
   */
  #holdWhilePaused(control: RunControl): Promise<boolean> {
    if (this.#state().critic.run.paused) control.pause();
    else control.resume();
    return control.checkpoint(() => this.#state().criticRunPatch({ state: 'paused' }));
  }

  /** One teacher call for the batch, then the critic on each image. Returns how many finished (done or failed). */
  async #process(batch: CriticItem[], signal: AbortSignal): Promise<number> {
    const s = this.#state();
    const { teacher, data } = this.#deps;
    const settings = toTeacherSettings(s.critic.settings.teacher);
    const requests: EvidenceRequest[] = [];
    let finished = 0;
    for (const item of batch) {
      s.criticPatchItem(item.imageId, { status: 'evidence' });
      try {
        const name = s.cards[item.imageId]?.name ?? item.imageId;
        const pixels = await data.pixels(item.imageId, name);
        requests.push({ imageId: item.imageId, image: { ...pixels, channels: 4 }, caption: item.caption });
      } catch (error) {
        s.criticPatchItem(item.imageId, { status: 'failed', error: errorSummary(error) });
        finished++;
      }
    }
    if (requests.length === 0) return finished;
    let outcomes;
    try {
      outcomes = await teacher.evidence(
        requests,
        settings,
        (p) =>
          this.#state().criticRunPatch({
            current: { imageId: p.imageId, stage: p.stage, done: p.done, total: p.total },
          }),
        signal,
      );
    } catch (error) {
      for (const r of requests) {
        this.#state().criticPatchItem(
          r.imageId,
          signal.aborted ? this.#stopped() : { status: 'failed', error: errorSummary(error) },
        );
      }
      if (!signal.aborted) throw error; // the teacher itself failed (load, crash): stop the run, say why
      return finished;
    }
    for (const outcome of outcomes) {
      const id = outcome.imageId;
      if (!outcome.ok) {
        const cancelled = outcome.error.name === 'AbortError';
        this.#state().criticPatchItem(
          id,
          cancelled && this.#handingOver
            ? this.#stopped()
            : { status: cancelled ? 'cancelled' : 'failed', error: outcome.error },
        );
        if (!cancelled) finished++;
        continue;
      }
      try {
        await critiqueImage(outcome.result, settings, signal, this.#deps);
      } catch (error) {
        this.#state().criticPatchItem(
          id,
          signal.aborted ? this.#stopped() : { status: 'failed', error: errorSummary(error) },
        );
      }
      finished++;
    }
    return finished;
  }
}
