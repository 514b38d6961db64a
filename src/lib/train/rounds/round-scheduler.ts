/**
 * Runs the rounds: calls the injected stage functions in order and drives scheduler-state.ts's reducer with
 * what happens. Stages do the work (the student worker captions and trains, the critic refines, the metrics
 * re-score); the scheduler only sequences them, pauses them at their yield points and stops them.
 */
import { RunStoppedError, LoopSettingsError, SchedulerStateError } from './errors';
import {
  initialState,
  reduce,
  type RoundPosition,
  type RoundStage,
  type SchedulerEvent,
  type SchedulerState,
} from './scheduler-state';

export interface StageContext {
  readonly round: number;
  readonly stage: RoundStage;
  /** Aborted when Stop is pressed: hand it to long awaits (fetches, engine calls). */
  readonly signal: AbortSignal;
  /**
   * Call between units of work (a training step, an image). Resolves at once while running, waits while
   * paused, and rejects with RunStoppedError once Stop is pressed (let it propagate).
   */
  yieldPoint(): Promise<void>;
}

/** One stage of a round; what it resolves with is passed to `onStageDone` (scores, step counts…). */
export type StageFunction = (context: StageContext) => Promise<unknown>;
export type RoundStages = { readonly [S in RoundStage]: StageFunction };

export interface StageReport {
  readonly round: number;
  readonly stage: RoundStage;
  readonly result: unknown;
  readonly ms: number;
}

export interface RoundSchedulerOptions {
  readonly rounds: number;
  /** Where to begin: the persisted position after a reload (default round 0, caption). */
  readonly start?: RoundPosition;
  /** Every state change; persist `position` here to resume after a reload. */
  readonly onState?: (state: SchedulerState) => void;
  /** Awaited before the position moves past the stage, so a stored result never lags the stored position. */
  readonly onStageDone?: (report: StageReport) => void | Promise<void>;
  readonly now?: () => number;
}

function describe(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

export function validateRounds(rounds: number): void {
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new LoopSettingsError(`The number of rounds must be a whole number of at least 1, got ${rounds}.`);
  }
}

export class RoundScheduler {
  #state: SchedulerState;
  readonly #stages: RoundStages;
  readonly #options: RoundSchedulerOptions;
  #abort: AbortController | null = null;
  #wakers: (() => void)[] = [];
  #running = false;

  constructor(stages: RoundStages, options: RoundSchedulerOptions) {
    validateRounds(options.rounds);
    this.#stages = stages;
    this.#options = options;
    this.#state = initialState(options.rounds, options.start);
  }

  get state(): SchedulerState {
    return this.#state;
  }

  /** Runs until done, stopped or failed (waiting through pauses). Call again after a stop or failure to go on. */
  async run(): Promise<SchedulerState> {
    if (this.#running) throw new SchedulerStateError('The rounds are already running.');
    this.#running = true;
    try {
      this.#dispatch({ type: 'start' });
      for (;;) {
        const { status } = this.#state;
        if (status === 'paused') await this.#nextWake();
        else if (status === 'running') await this.#runStage();
        else return this.#state;
      }
    } finally {
      this.#running = false;
    }
  }

  pause(): void {
    this.#dispatch({ type: 'pause' });
  }

  resume(): void {
    this.#dispatch({ type: 'resume' });
    this.#wakeAll();
  }

  stop(): void {
    this.#dispatch({ type: 'stop' });
    this.#abort?.abort(new RunStoppedError());
    this.#wakeAll();
  }

  setRounds(rounds: number): void {
    validateRounds(rounds);
    this.#dispatch({ type: 'set-rounds', rounds });
  }

  async #runStage(): Promise<void> {
    const { round, stage } = this.#state.position;
    const abort = new AbortController();
    this.#abort = abort;
    this.#dispatch({ type: 'stage-started' });
    const now = this.#options.now ?? (() => performance.now());
    const began = now();
    try {
      const result = await this.#stages[stage]({
        round,
        stage,
        signal: abort.signal,
        yieldPoint: () => this.#yieldPoint(),
      });
      await this.#options.onStageDone?.({ round, stage, result, ms: now() - began });
      this.#dispatch({ type: 'stage-finished' });
    } catch (error) {
      this.#dispatch({ type: 'stage-failed', error: describe(error) });
    } finally {
      this.#abort = null;
    }
  }

  async #yieldPoint(): Promise<void> {
    for (;;) {
      if (this.#state.status === 'stopping') throw new RunStoppedError();
      this.#dispatch({ type: 'yielded' });
      if (this.#state.status !== 'paused') return;
      await this.#nextWake();
    }
  }

  #nextWake(): Promise<void> {
    return new Promise((resolve) => this.#wakers.push(resolve));
  }

  #wakeAll(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }

  #dispatch(event: SchedulerEvent): void {
    const next = reduce(this.#state, event);
    if (next === this.#state) return;
    this.#state = next;
    this.#options.onState?.(next);
  }
}
