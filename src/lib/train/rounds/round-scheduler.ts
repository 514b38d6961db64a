/**
 * Runs the rounds: calls the injected stage functions in order and drives scheduler-state.ts's reducer with
 * what happens. Stages do the work (the student worker captions and trains, the critic refines, the metrics
 * re-score); the scheduler only sequences them, pauses them at their yield points and stops them.
 */
import { RunControl } from '../../core/run-control';
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
  /**
   * Pause and Stop of the run going on (null between runs). It mirrors the reducer: paused while the state is
   * 'pausing' or 'paused', stopped once 'stopping' or 'stopped'; a new run() gets a fresh one.
   */
  #control: RunControl | null = null;

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
    if (this.#control !== null) throw new SchedulerStateError('The rounds are already running.');
    const control = new RunControl();
    this.#control = control;
    try {
      this.#dispatch({ type: 'start' });
      for (;;) {
        const { status } = this.#state;
        if (status === 'paused') await control.checkpoint();
        else if (status === 'running') await this.#runStage(control);
        else return this.#state;
      }
    } finally {
      this.#control = null;
    }
  }

  pause(): void {
    if (this.#dispatch({ type: 'pause' })) this.#control?.pause();
  }

  resume(): void {
    if (this.#dispatch({ type: 'resume' })) this.#control?.resume();
  }

  stop(): void {
    if (this.#dispatch({ type: 'stop' })) this.#control?.stop(new RunStoppedError());
  }

  setRounds(rounds: number): void {
    validateRounds(rounds);
    this.#dispatch({ type: 'set-rounds', rounds });
  }

  async #runStage(control: RunControl): Promise<void> {
    const { round, stage } = this.#state.position;
    this.#dispatch({ type: 'stage-started' });
    const now = this.#options.now ?? (() => performance.now());
    const began = now();
    try {
      const result = await this.#stages[stage]({
        round,
        stage,
        signal: control.signal,
        // A pause asked for during the stage takes effect here: the reducer hears that the stage is held.
        yieldPoint: () => control.yieldPoint(() => this.#dispatch({ type: 'yielded' })),
      });
      await this.#options.onStageDone?.({ round, stage, result, ms: now() - began });
      this.#dispatch({ type: 'stage-finished' });
    } catch (error) {
      this.#dispatch({ type: 'stage-failed', error: describe(error) });
    }
  }

  /** Feeds the reducer; true when the event applied (the state changed). */
  #dispatch(event: SchedulerEvent): boolean {
    const next = reduce(this.#state, event);
    if (next === this.#state) return false;
    this.#state = next;
    this.#options.onState?.(next);
    return true;
  }
}
