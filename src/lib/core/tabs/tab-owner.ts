import {
  INITIAL_OWNERSHIP,
  canAskTakeover,
  reduceOwnership,
  type OwnershipEvent,
  type OwnershipState,
} from './ownership';

/** The part of the Web Locks API (`navigator.locks`) used here; tests pass a fake shared by two "tabs". */
export interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean; steal?: boolean },
    callback: (lock: object | null) => Promise<void> | void,
  ): Promise<void>;
}

/** A BroadcastChannel reduced to what is used: messages reach the other tabs, never the sender. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: (message: unknown) => void): () => void;
}

export interface TabOwnerDeps {
  locks: LockManagerLike;
  channel: ChannelLike;
  /** One name per studio (per origin): every tab of it asks for the same lock. */
  lockName: string;
  /**
   * Stops this tab's work for a handover: the running batch ends, its images go back to the queue, and
   * what was done is written. The lock is let go when it resolves (also when it rejects).
   */
  stopWork: () => Promise<void>;
  /** A takeover request that the owner does not answer in this long (a frozen tab) steals the lock. */
  stealAfterMs?: number;
  /** setTimeout with a cancel; injected so tests control time. */
  schedule?: (run: () => void, ms: number) => () => void;
}

interface TakeoverRequest {
  type: 'capgrad-takeover-request';
}
const isTakeoverRequest = (m: unknown): m is TakeoverRequest =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'capgrad-takeover-request';

/**
 * The driver around reduceOwnership: the only place that talks to the lock and the channel.
 *
 * On start it asks for the lock without waiting; if another tab holds it this tab is a follower and queues
 * a waiting request, so it becomes the owner by itself when the owner's tab closes (the browser releases a
 * closed tab's locks). "Take over" asks the owner over the channel to stop and let go; the waiting request
 * then gets the lock. An owner that does not answer (frozen) loses the lock to `steal` after stealAfterMs,
 * and stops its work when it notices (its held request rejects).
 */
export class TabOwner {
  readonly #deps: Required<TabOwnerDeps>;
  #state: OwnershipState = INITIAL_OWNERSHIP;
  readonly #listeners = new Set<(state: OwnershipState) => void>();
  /** Each lock request gets a token; a grant for a request this tab no longer wants is let go at once. */
  #wanted = 0;
  #release: (() => void) | null = null;
  #cancelSteal: (() => void) | null = null;
  readonly #unsubscribe: () => void;

  constructor(deps: TabOwnerDeps) {
    this.#deps = {
      stealAfterMs: 5000,
      schedule: (run, ms) => {
        const timer = setTimeout(run, ms);
        return () => clearTimeout(timer);
      },
      ...deps,
    };
    this.#unsubscribe = deps.channel.subscribe((message) => {
      if (isTakeoverRequest(message)) void this.#yield();
    });
    this.#request({ ifAvailable: true });
  }

  get state(): OwnershipState {
    return this.#state;
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (state: OwnershipState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The person in a follower tab chose "Take over". */
  askTakeover(): void {
    if (!canAskTakeover(this.#state)) return;
    this.#dispatch({ type: 'takeover-asked' });
    this.#deps.channel.postMessage({ type: 'capgrad-takeover-request' } satisfies TakeoverRequest);
    this.#cancelSteal = this.#deps.schedule(() => {
      this.#cancelSteal = null;
      if (this.#state.role === 'follower') this.#request({ steal: true });
    }, this.#deps.stealAfterMs);
  }

  /** The tab is going away: lets the lock go (the next waiting tab becomes the owner). */
  dispose(): void {
    this.#dispatch({ type: 'closed' });
    this.#wanted += 1;
    this.#cancelSteal?.();
    this.#unsubscribe();
    this.#letGo();
  }

  #request(options: { ifAvailable?: true; steal?: true }): void {
    const token = ++this.#wanted;
    const held = this.#deps.locks.request(this.#deps.lockName, options, (lock) => {
      if (lock === null) {
        // ifAvailable found it taken: wait in line for it.
        this.#dispatch({ type: 'held-elsewhere' });
        if (token === this.#wanted) this.#request({});
        return;
      }
      // Not wanted any more (superseded by a steal, or the tab closed): let it go at once.
      if (token !== this.#wanted || this.#state.role === 'closed') return;
      this.#letGo(); // a lock held through an older request (cannot happen with one token, but never two)
      this.#cancelSteal?.();
      this.#cancelSteal = null;
      this.#dispatch({ type: 'granted' });
      return new Promise<void>((release) => (this.#release = release));
    });
    held.catch(() => {
      // Rejected while held: another tab stole the lock (Web Locks rejects the holder's request).
      if (token !== this.#wanted || this.#state.role === 'closed') return;
      this.#release = null;
      const wasOwner = this.#state.role === 'owner' || this.#state.role === 'yielding';
      this.#dispatch({ type: 'lost' });
      if (wasOwner) void this.#deps.stopWork().catch(() => {});
      this.#request({});
    });
  }

  /** Another tab asked to take over: stop the work, let the lock go, wait in line again. */
  async #yield(): Promise<void> {
    if (this.#state.role !== 'owner') return;
    this.#dispatch({ type: 'takeover-requested' });
    try {
      await this.#deps.stopWork();
    } catch {
      // The work is stopped as far as it could be; holding on would block the other tab for good.
    }
    // Closed or lost meanwhile (TypeScript keeps the narrowing from before the await; the state did change).
    if ((this.#state as OwnershipState).role !== 'yielding') return;
    this.#dispatch({ type: 'yielded' });
    this.#letGo();
    this.#request({});
  }

  #letGo(): void {
    const release = this.#release;
    this.#release = null;
    release?.();
  }

  #dispatch(event: OwnershipEvent): void {
    const next = reduceOwnership(this.#state, event);
    if (next === this.#state) return;
    this.#state = next;
    for (const listener of [...this.#listeners]) listener(next);
  }
}
