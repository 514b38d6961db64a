/**
 * Pause, Resume and Stop for a training run, cooperative (STYLE lesson 3): the loop calls `yieldPoint()`
 * between steps; it resolves at once while running, waits while paused, and throws RunStoppedError after
 * Stop. Weights and the GPU device stay where they are: nothing is torn down to pause or stop.
 *
 * The mechanics are core's RunControl; this names its states as the training worker reports them.
 */
import { RunControl, type RunState } from '../core/run-control';
import { RunStoppedError } from './rounds/errors';

export type TrainingRunState = 'running' | 'paused' | 'stopping';

const TRAINING_STATE: Readonly<Record<RunState, TrainingRunState>> = {
  running: 'running',
  paused: 'paused',
  // The loop is told; it ends at its next yield point.
  stopped: 'stopping',
};

export class TrainingControl {
  readonly #control = new RunControl();

  constructor(onChange?: (state: TrainingRunState) => void) {
    if (onChange) this.#control.onChange((state) => onChange(TRAINING_STATE[state]));
  }

  get state(): TrainingRunState {
    return TRAINING_STATE[this.#control.state];
  }

  pause(): void {
    this.#control.pause();
  }

  resume(): void {
    this.#control.resume();
  }

  stop(): void {
    this.#control.stop(new RunStoppedError());
  }

  yieldPoint(): Promise<void> {
    return this.#control.yieldPoint();
  }
}
