import * as Comlink from 'comlink';
import { BridgeDisposedError, TaskAbortedError, WorkerCrashedError } from './errors';

/** What the bridge needs of a worker: a Comlink endpoint that can be terminated and can crash. */
export interface WorkerLike extends Comlink.Endpoint {
  terminate(): void;
}

export interface WorkerBridgeOptions<Api extends object> {
  /** For messages: 'student worker', 'ingest worker'. */
  name: string;
  create: () => WorkerLike;
  /** Tear the worker down after this long without work (ms); Infinity keeps it. */
  idleMs: number;
  /** Runs on every fresh worker before its first task (e.g. load the model); re-runs after `invalidate()`. */
  init?: (api: Comlink.Remote<Api>) => Promise<void>;
  /**
   * Cooperative cancel of the running task (the task then settles by itself). Without it, aborting a
   * running task terminates the worker: fine for stateless workers, wasteful for one that holds a GPU device.
   */
  cancel?: (api: Comlink.Remote<Api>) => Promise<void>;
  /** Told about every crash (after the running task was rejected with WorkerCrashedError). */
  onCrash?: (error: WorkerCrashedError) => void;
  /**
   * Errors after which the worker is of no more use although it still runs (its GPU device was lost: ONNX
   * Runtime keeps the dead device for the life of the worker). The worker is torn down, the error still
   * reaches the task, and the next task starts a fresh worker (with a new device, or on WASM if none comes).
   */
  retireOn?: (error: unknown) => boolean;
  /** Told when a worker was retired (after `retireOn` said so). */
  onRetire?: (error: unknown) => void;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Run without `init` first (e.g. asking the worker which device it would use, before any model loads). */
  skipInit?: boolean;
}

interface Task {
  run: (api: Comlink.Remote<Api0>) => Promise<unknown>;
  signal: AbortSignal | undefined;
  skipInit: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}
type Api0 = object;

interface Live<Api extends object> {
  worker: WorkerLike;
  api: Comlink.Remote<Api>;
  initialized: boolean;
  /** Settles (rejects) when the worker crashes; every task races against it. */
  crashed: Promise<never>;
  fail: (error: Error) => void;
  /** Terminates the worker; whatever still waits on it fails with `reason`. */
  dispose: (reason?: Error) => void;
}

/**
 * Owns one worker's lifecycle (lesson 3): a FIFO queue so tasks run one at a time, an AbortSignal per task,
 * idle teardown, and crash handling (the running task fails with WorkerCrashedError, the next task gets a
 * fresh worker). Components never touch workers; they call `run`.
 */
export class WorkerBridge<Api extends object> {
  readonly #options: WorkerBridgeOptions<Api>;
  readonly #queue: Task[] = [];
  #live: Live<Api> | null = null;
  #busy = false;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  #disposed = false;
  /** Counts invalidate() calls: an init that an invalidation overtook loaded settings no longer wanted. */
  #initGeneration = 0;

  constructor(options: WorkerBridgeOptions<Api>) {
    this.#options = options;
  }

  /** True while a worker exists (started and not torn down). */
  get alive(): boolean {
    return this.#live !== null;
  }

  /** Queues `task`; it runs once every earlier task has settled. */
  run<R>(task: (api: Comlink.Remote<Api>) => Promise<R>, options: RunOptions = {}): Promise<R> {
    if (this.#disposed)
      return Promise.reject(new BridgeDisposedError(`The ${this.#options.name} is shut down.`));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(aborted(this.#options.name));
    return new Promise<R>((resolve, reject) => {
      const entry: Task = {
        run: task as unknown as Task['run'],
        signal,
        skipInit: options.skipInit === true,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      this.#queue.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.#queue.indexOf(entry);
          if (index >= 0) {
            this.#queue.splice(index, 1);
            reject(aborted(this.#options.name));
          }
        },
        { once: true },
      );
      this.#pump();
    });
  }

  /**
   * Calls the worker outside the queue (pause, resume, cancel must reach it while a long task runs).
   * Does nothing and returns undefined when no worker is alive: there is nothing to steer.
   */
  async steer<R>(call: (api: Comlink.Remote<Api>) => Promise<R>): Promise<R | undefined> {
    const live = this.#live;
    if (live === null) return undefined;
    return Promise.race([call(live.api), live.crashed]);
  }

  /** The next task re-runs `init` on the current worker (e.g. the model settings changed). */
  invalidate(): void {
    this.#initGeneration += 1;
    if (this.#live) this.#live.initialized = false;
  }

  /** Terminates the worker now (queued tasks stay queued and start a fresh one). */
  teardown(reason?: Error): void {
    this.#clearIdle();
    const live = this.#live;
    this.#live = null;
    live?.dispose(reason);
  }

  /** Terminates the worker and rejects everything queued; the bridge takes no more tasks. */
  dispose(): void {
    this.#disposed = true;
    const error = new BridgeDisposedError(`The ${this.#options.name} is shut down.`);
    for (const task of this.#queue.splice(0)) task.reject(error);
    this.teardown(error);
  }

  #start(): Live<Api> {
    const worker = this.#options.create();
    const api = Comlink.wrap<Api>(worker);
    let fail: (error: Error) => void = () => {};
    const crashed = new Promise<never>((_, reject) => (fail = reject));
    // Nobody may be racing against it at the moment of the crash; that must not be an unhandled rejection.
    crashed.catch(() => {});
    const name = this.#options.name;
    const onError = (event: Event): void => {
      const detail = 'message' in event && typeof event.message === 'string' ? `: ${event.message}` : '';
      event.preventDefault();
      this.#crash(
        live,
        new WorkerCrashedError(`The ${name} stopped${detail}. It restarts on the next task.`),
      );
    };
    const onMessageError = (): void =>
      this.#crash(live, new WorkerCrashedError(`The ${name} sent a message that could not be read.`));
    const target = worker as unknown as EventTarget;
    let disposed = false;
    target.addEventListener('error', onError);
    target.addEventListener('messageerror', onMessageError);
    const live: Live<Api> = {
      worker,
      api,
      initialized: false,
      crashed,
      fail: (error) => fail(error),
      dispose: (reason) => {
        if (disposed) return;
        disposed = true;
        target.removeEventListener('error', onError);
        target.removeEventListener('messageerror', onMessageError);
        api[Comlink.releaseProxy]();
        worker.terminate();
        // Anything still waiting on this worker would wait forever: settle it.
        fail(reason ?? new WorkerCrashedError(`The ${name} was shut down.`));
      },
    };
    return live;
  }

  #crash(live: Live<Api>, error: WorkerCrashedError): void {
    live.fail(error);
    if (this.#live === live) this.#live = null;
    live.dispose();
    this.#options.onCrash?.(error);
  }

  async #pump(): Promise<void> {
    if (this.#busy) return;
    const task = this.#queue.shift();
    if (task === undefined) {
      this.#armIdle();
      return;
    }
    this.#busy = true;
    this.#clearIdle();
    try {
      task.resolve(await this.#execute(task));
    } catch (error) {
      task.reject(error);
    } finally {
      this.#busy = false;
      void this.#pump();
    }
  }

  async #execute(task: Task): Promise<unknown> {
    if (task.signal?.aborted) throw aborted(this.#options.name);
    const live = (this.#live ??= this.#start());
    try {
      return await this.#executeOn(live, task);
    } catch (error) {
      if (this.#options.retireOn?.(error) === true) {
        if (this.#live === live) this.#live = null;
        live.dispose(error instanceof Error ? error : undefined);
        this.#options.onRetire?.(error);
      }
      throw error;
    }
  }

  async #executeOn(live: Live<Api>, task: Task): Promise<unknown> {
    const api = live.api as unknown as Comlink.Remote<Api0>;
    if (!task.skipInit) {
      const { init } = this.#options;
      // Settings changed while init ran (a model picked during a slow load): init again for the new ones.
      while (!live.initialized && init) {
        const generation = this.#initGeneration;
        await Promise.race([init(live.api), live.crashed]);
        live.initialized = generation === this.#initGeneration;
      }
      live.initialized = true;
    }
    // Init can take long (a model load): an abort meanwhile means the task itself must not start.
    if (task.signal?.aborted) throw aborted(this.#options.name);
    const onAbort = (): void => {
      if (this.#options.cancel) {
        void this.#options.cancel(live.api).catch(() => {});
      } else if (this.#live === live) {
        this.#live = null;
        live.dispose();
      }
    };
    task.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await Promise.race([task.run(api), live.crashed]);
      return result;
    } catch (error) {
      // A terminated worker (abort without cooperative cancel) shows up as a shutdown: report the abort.
      if (task.signal?.aborted && !this.#options.cancel) throw aborted(this.#options.name);
      throw error;
    } finally {
      task.signal?.removeEventListener('abort', onAbort);
    }
  }

  #armIdle(): void {
    this.#clearIdle();
    if (this.#live === null || !Number.isFinite(this.#options.idleMs)) return;
    this.#idleTimer = setTimeout(() => this.teardown(), this.#options.idleMs);
  }

  #clearIdle(): void {
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }
}

function aborted(name: string): TaskAbortedError {
  return new TaskAbortedError(`The ${name} task was cancelled.`);
}
