/**
 * Cooperative pause / resume / stop for one long run: captioning, evidence, critic, training, the rounds.
 * The run asks at its safe points (between decode steps, images, training steps, stages) whether to go on;
 * nothing is interrupted mid-kernel, so the GPU device and its buffers stay valid (terminating a worker would
 * lose them). Stop is final and also aborts `signal`, for long awaits that cannot wait for a safe point.
 *
 * One instance per run: a run that is started again gets a fresh control.
 */
export type RunState = 'running' | 'paused' | 'stopped';

export class RunControl {
  #state: RunState = 'running';
  /** Waiters parked at a safe point until the state changes. */
  #wakers: (() => void)[] = [];
  readonly #listeners = new Set<(state: RunState) => void>();
  readonly #abort = new AbortController();
  readonly #now: () => number;
  #pausedSince: number | null = null;
  #pausedTotal = 0;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  get state(): RunState {
    return this.#state;
  }

  /** Aborted by `stop()`, with its reason: hand it to fetches, engine and worker calls. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Milliseconds spent paused so far (including an ongoing pause). */
  get pausedMs(): number {
    return this.#pausedTotal + (this.#pausedSince === null ? 0 : this.#now() - this.#pausedSince);
  }

  /** Holds the run at its next safe point. Only a running run pauses (a stopped one stays stopped). */
  pause(): void {
    if (this.#state !== 'running') return;
    this.#pausedSince = this.#now();
    this.#set('paused');
  }

  resume(): void {
    if (this.#state !== 'paused') return;
    this.#endPause();
    this.#set('running');
  }

  /**
   * Final: a stopped run cannot be resumed. Releases a paused run so it can finish up, and aborts `signal`
   * with `reason` (the platform's AbortError when none is given, as `AbortController.abort()` does).
   */
  stop(reason?: unknown): void {
    if (this.#state === 'stopped') return;
    this.#endPause();
    if (reason === undefined) this.#abort.abort();
    else this.#abort.abort(reason);
    this.#set('stopped');
  }

  /** Notified on every change of state (not on calls that change nothing); returns the unsubscribe function. */
  onChange(listener: (state: RunState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * A safe point: resolves at once while running, waits while paused. Resolves true to go on, false once
   * stopped. `onHold` is called each time the run is about to wait, so the caller can say it is held.
   */
  async checkpoint(onHold?: () => void): Promise<boolean> {
    while (this.#state === 'paused') {
      onHold?.();
      await new Promise<void>((resolve) => this.#wakers.push(resolve));
    }
    return this.#state === 'running';
  }

  /** Like `checkpoint`, but a stopped run throws the stop's reason (for loops that unwind by exception). */
  async yieldPoint(onHold?: () => void): Promise<void> {
    await this.checkpoint(onHold);
    this.throwIfStopped();
  }

  /** Throws the stop's reason once stopped; nothing while running or paused. */
  throwIfStopped(): void {
    this.#abort.signal.throwIfAborted();
  }

  #endPause(): void {
    if (this.#pausedSince !== null) this.#pausedTotal += this.#now() - this.#pausedSince;
    this.#pausedSince = null;
  }

  #set(state: RunState): void {
    this.#state = state;
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
    for (const listener of [...this.#listeners]) listener(state);
  }
}
