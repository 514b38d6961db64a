import type { ChannelLike, LockManagerLike } from '../../src/lib/core/tabs/tab-owner';

interface Waiter {
  callback: (lock: object | null) => Promise<void> | void;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * One exclusive Web Lock shared by every fake "tab", with the platform's semantics as the studio uses them:
 * requests are granted in order, the lock is held until the callback's promise settles, `ifAvailable` gets
 * null when it is taken, `steal` takes it at once and rejects the holder's request with an AbortError.
 */
export class FakeLocks {
  #holder: { waiter: Waiter; stolen: boolean } | null = null;
  readonly #queue: Waiter[] = [];

  /** The lock manager of one tab (all tabs share this object's lock). */
  manager(): LockManagerLike {
    return {
      request: (_name, options, callback) =>
        new Promise<void>((resolve, reject) => {
          const waiter: Waiter = { callback, resolve, reject };
          if (options.steal === true) {
            const holder = this.#holder;
            if (holder !== null) {
              holder.stolen = true;
              holder.waiter.reject(Object.assign(new Error('lock stolen'), { name: 'AbortError' }));
            }
            this.#holder = null;
            this.#grant(waiter);
          } else if (this.#holder === null && this.#queue.length === 0) {
            this.#grant(waiter);
          } else if (options.ifAvailable === true) {
            Promise.resolve(callback(null)).then(() => resolve(), reject);
          } else {
            this.#queue.push(waiter);
          }
        }),
    };
  }

  get held(): boolean {
    return this.#holder !== null;
  }

  #grant(waiter: Waiter): void {
    const holder = { waiter, stolen: false };
    this.#holder = holder;
    Promise.resolve()
      .then(() => waiter.callback({}))
      .then(
        () => {
          if (!holder.stolen) waiter.resolve();
        },
        (error: unknown) => {
          if (!holder.stolen) waiter.reject(error);
        },
      )
      .finally(() => {
        if (this.#holder !== holder) return; // stolen: the thief holds it now
        this.#holder = null;
        const next = this.#queue.shift();
        if (next !== undefined) this.#grant(next);
      });
  }
}

/**
 * BroadcastChannel between fake tabs: a message reaches every other tab's channel, asynchronously. `hold()`
 * keeps messages back until `release()`: the platform does not order a channel's messages with a lock's grant,
 * so a tab may get the lock before it hears what the old owner wrote last.
 */
export class FakeChannelHub {
  readonly #listeners = new Set<{ owner: object; listener: (message: unknown) => void }>();
  #held: (() => void)[] | null = null;

  hold(): void {
    this.#held ??= [];
  }

  release(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const deliver of held) queueMicrotask(deliver);
  }

  /** The channel of one tab. */
  channel(): ChannelLike & { close(): void } {
    const owner = {};
    return {
      postMessage: (message) => {
        const copy: unknown = structuredClone(message);
        for (const entry of [...this.#listeners]) {
          if (entry.owner === owner) continue;
          const deliver = () => entry.listener(copy);
          if (this.#held === null) queueMicrotask(deliver);
          else this.#held.push(deliver);
        }
      },
      subscribe: (listener) => {
        const entry = { owner, listener };
        this.#listeners.add(entry);
        return () => this.#listeners.delete(entry);
      },
      close: () => {
        for (const entry of [...this.#listeners]) if (entry.owner === owner) this.#listeners.delete(entry);
      },
    };
  }
}
