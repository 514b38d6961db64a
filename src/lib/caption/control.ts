/**
 * Cooperative pause / resume / cancel for a long run (captioning now, training later). The run calls
 * `checkpoint()` between decode steps and between batches; nothing is interrupted mid-kernel, so the GPU
 * device and its buffers stay valid (terminating a worker would lose them).
 */
export type RunState = 'running' | 'paused' | 'cancelled';

export class RunControl {
  private current: RunState = 'running';
  private wake: (() => void) | null = null;
  private pausedSince: number | null = null;
  private pausedTotal = 0;
  private readonly listeners = new Set<(state: RunState) => void>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  get state(): RunState {
    return this.current;
  }

  /** Milliseconds spent paused so far (including an ongoing pause). */
  get pausedMs(): number {
    return this.pausedTotal + (this.pausedSince === null ? 0 : this.now() - this.pausedSince);
  }

  pause(): void {
    if (this.current !== 'running') return;
    this.pausedSince = this.now();
    this.set('paused');
  }

  resume(): void {
    if (this.current !== 'paused') return;
    this.endPause();
    this.set('running');
  }

  /** Final: a cancelled run cannot be resumed. Also releases a paused run so it can finish up. */
  cancel(): void {
    if (this.current === 'cancelled') return;
    this.endPause();
    this.set('cancelled');
  }

  /** Notified on every state change; returns the unsubscribe function. */
  onChange(listener: (state: RunState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits while paused. Resolves true to go on, false once cancelled. */
  async checkpoint(): Promise<boolean> {
    while (this.current === 'paused') {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    return this.current === 'running';
  }

  private endPause(): void {
    if (this.pausedSince !== null) this.pausedTotal += this.now() - this.pausedSince;
    this.pausedSince = null;
  }

  private set(state: RunState): void {
    this.current = state;
    const wake = this.wake;
    this.wake = null;
    wake?.();
    for (const listener of this.listeners) listener(state);
  }
}
