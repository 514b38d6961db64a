/**
 * Pause, Resume and Stop for a training run, cooperative (STYLE lesson 3): the loop calls `yieldPoint()`
 * between steps; it resolves at once while running, waits while paused, and throws RunStoppedError after
 * Stop. Weights and the GPU device stay where they are: nothing is torn down to pause or stop.
 */
import { RunStoppedError } from './rounds/errors';

export type TrainingRunState = 'running' | 'paused' | 'stopping';

export class TrainingControl {
  #state: TrainingRunState = 'running';
  #wakers: (() => void)[] = [];
  readonly #onChange: ((state: TrainingRunState) => void) | undefined;

  constructor(onChange?: (state: TrainingRunState) => void) {
    this.#onChange = onChange;
  }

  get state(): TrainingRunState {
    return this.#state;
  }

  pause(): void {
    if (this.#state === 'running') this.#set('paused');
  }

  resume(): void {
    if (this.#state === 'paused') this.#set('running');
    this.#wake();
  }

  stop(): void {
    if (this.#state !== 'stopping') this.#set('stopping');
    this.#wake();
  }

  async yieldPoint(): Promise<void> {
    for (;;) {
      if (this.#state === 'stopping') throw new RunStoppedError();
      if (this.#state === 'running') return;
      await new Promise<void>((resolve) => this.#wakers.push(resolve));
    }
  }

  #set(state: TrainingRunState): void {
    this.#state = state;
    this.#onChange?.(state);
  }

  #wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }
}
