/**
 * The Train button's side of the studio: runs the rounds with lib/train/rounds' RoundScheduler over the studio's
 * stages (round-stages.ts), forwards Pause / Resume / Stop to the worker (cooperative, between steps), keeps
 * the scheduler's status and position in the training slice (persisted), and after a reload picks up a run
 * that was going on at its last checkpoint. Rollback, delete and the active weights go through here too.
 */
import type { StoreApi } from 'zustand/vanilla';
import { errorSummary } from '../../lib/core/errors';
import { RoundScheduler } from '../../lib/train/rounds/round-scheduler';
import type { RoundPosition } from '../../lib/train/rounds/scheduler-state';
import type { StudioState } from '../../state/studio-state';
import { CheckpointBook } from './checkpoint-book';
import type { CaptioningPort, CheckpointBytes, CriticRunPort, ImagePixels, TrainingPort } from './ports';
import type { ScoringPort } from '../../lib/score/rule-scoring';
import type { TrainingAction, TrainingRequest } from '../../lib/core/tabs/work-requests';
import { roundStages } from './round-stages';

export interface TrainingControllerDeps {
  readonly store: StoreApi<StudioState>;
  readonly port: TrainingPort;
  readonly checkpoints: CheckpointBytes;
  readonly captioning: CaptioningPort;
  readonly scoring: ScoringPort;
  readonly pixels: ImagePixels;
  readonly critic?: CriticRunPort;
  readonly newId?: () => string;
  /** Resolves once the slice's pending writes are stored (CheckpointBook waits for it after each checkpoint). */
  readonly persisted?: () => Promise<void>;
  /**
   * Several tabs (src/lib/core/tabs): only the owner trains. In a follower every action is handed to the owner
   * (`forward`, over a BroadcastChannel), which takes it with `handle`; the follower shows the run as the
   * owner stores it.
   */
  readonly tabs?: { mayRun(): boolean; forward(request: TrainingRequest): void };
}

export class TrainingController {
  readonly book: CheckpointBook;
  #scheduler: RoundScheduler | null = null;
  #running: Promise<unknown> | null = null;
  readonly #deps: TrainingControllerDeps;

  constructor(deps: TrainingControllerDeps) {
    this.#deps = deps;
    this.book = new CheckpointBook(deps.store, deps.checkpoints, deps.persisted);
  }

  private get state() {
    return this.#deps.store.getState().training;
  }

  /** The owner tab takes a request a follower handed to it (a follower ignores them). */
  handle(request: TrainingRequest): void {
    if (!this.#mayRun()) return;
    const { action, id } = request;
    if (action === 'rollBack' || action === 'deleteCheckpoint') {
      if (id !== undefined) void this[action](id);
      return;
    }
    this[action]();
  }

  /**
   * Another tab takes the work over: the rounds stop (the worker at its next step) and the run stays 'running'
   * in the stored state, so the new owner goes on from the run's last stored checkpoint. Resolves once stopped
   * and written.
   */
  async handOver(): Promise<void> {
    const scheduler = this.#scheduler;
    if (scheduler === null) return;
    const status = this.state.status;
    scheduler.stop();
    void this.#deps.port.stop().catch(() => undefined);
    await this.#running;
    if (status === 'running' || status === 'paused') this.#patch({ status });
    await this.#deps.persisted?.();
  }

  #mayRun(): boolean {
    return this.#deps.tabs?.mayRun() ?? true;
  }

  /** In a follower tab: hands the action to the owner and returns true; in the owner: false. */
  #forwarded(action: TrainingAction, id?: string): boolean {
    const tabs = this.#deps.tabs;
    if (tabs === undefined || tabs.mayRun()) return false;
    tabs.forward({ action, ...(id === undefined ? {} : { id }) });
    return true;
  }

  /** Starts new rounds after the ones done so far (continuing from the active weights). */
  train(): void {
    if (this.#forwarded('train') || this.#running) return;
    const done = Math.max(
      -1,
      ...this.state.scores.map((s) => s.round),
      ...this.state.checkpoints.map((c) => c.round),
    );
    const first = done + 1;
    this.#patch({ error: null, notices: [], runIds: {} });
    this.#run({ round: first, stage: 'caption' }, first + this.state.settings.loop.rounds);
  }

  /** Goes on from where Stop, a failure or a reload left the rounds. */
  continue(): void {
    if (this.#forwarded('continue') || this.#running || this.state.position === null) return;
    const rounds = Math.max(this.state.position.round + 1, this.#roundsTarget());
    this.#patch({ error: null });
    this.#run(this.state.position, rounds);
  }

  /** After a reload: a run that was going on goes on at its last checkpoint. */
  resumeAfterReload(): void {
    if (!this.#mayRun()) return; // the owner tab goes on with it
    if (this.state.status === 'running' && this.state.position !== null) this.continue();
  }

  pause(): void {
    if (this.#forwarded('pause')) return;
    this.#scheduler?.pause();
    void this.#deps.port.pause().catch(() => undefined);
  }

  resume(): void {
    if (this.#forwarded('resume')) return;
    // Paused before a reload: nothing runs in this page yet, so go on from the stored position.
    if (!this.#scheduler && this.state.status === 'paused') return this.continue();
    this.#scheduler?.resume();
    void this.#deps.port.resume().catch(() => undefined);
  }

  /**
   * Holds the worker between steps and leaves the run's status as it is ('running'): the state a tab is in when it
   * is closed mid-step. Test builds use it to reload at an exact step; a reload then goes on from the checkpoint.
   */
  holdWorker(): void {
    void this.#deps.port.pause().catch(() => undefined);
  }

  /** Resolves once the slice's pending writes are in IndexedDB (what a reload will find). */
  async persisted(): Promise<void> {
    await this.#deps.persisted?.();
  }

  stop(): void {
    if (this.#forwarded('stop')) return;
    this.#scheduler?.stop();
    void this.#deps.port.stop().catch(() => undefined);
  }

  /** Waits for the rounds to end (tests; the UI reads the slice). */
  async idle(): Promise<void> {
    await this.#running;
  }

  /** Captioning and the next training start from this checkpoint's weights. */
  async rollBack(id: string): Promise<void> {
    if (this.#forwarded('rollBack', id) || this.#running) return;
    const row = this.book.rows().find((r) => r.id === id);
    if (!row) return;
    const info = await this.#deps.port.useWeights({
      bytes: await this.book.read(id),
      label: `r${row.round + 1}s${row.step}`,
    });
    this.#deps.store.getState().studentReady(info);
    this.#patch({ active: id });
    this.#deps.captioning.captionAgain(this.#deps.store.getState().order);
  }

  async deleteCheckpoint(id: string): Promise<void> {
    if (this.#forwarded('deleteCheckpoint', id)) return;
    try {
      await this.book.remove(id);
    } catch (error) {
      this.#patch({ error: errorSummary(error) });
    }
  }

  #roundsTarget(): number {
    const firstOfSeries = Math.min(
      ...Object.keys(this.state.runIds).map(Number),
      this.state.position?.round ?? 0,
    );
    return firstOfSeries + this.state.settings.loop.rounds;
  }

  #run(start: RoundPosition, rounds: number): void {
    const deps = this.#deps;
    const newId = deps.newId ?? (() => crypto.randomUUID().slice(0, 8));
    const scheduler = new RoundScheduler(
      roundStages({ ...deps, book: this.book, newRunId: (round) => `r${round + 1}-${newId()}` }),
      {
        rounds,
        start,
        onState: (s) =>
          this.#patch({ status: s.status, position: s.position, ...(s.error ? { error: s.error } : {}) }),
      },
    );
    this.#scheduler = scheduler;
    this.#running = scheduler
      .run()
      .catch((error: unknown) => this.#patch({ status: 'failed', error: errorSummary(error) }))
      .finally(() => {
        this.#scheduler = null;
        this.#running = null;
      });
  }

  #patch(patch: Parameters<StudioState['patchTraining']>[0]): void {
    this.#deps.store.getState().patchTraining(patch);
  }
}
