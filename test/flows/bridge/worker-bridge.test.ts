import { afterEach, describe, expect, it } from 'vitest';
import { WorkerBridge } from '../../../src/flows/bridge/worker-bridge';
import { FakeWorker } from './fake-worker';

/** A worker API with what the bridge must handle: slow calls, cooperative cancel, steering, failures. */
function makeApi() {
  const state = { active: 0, maxActive: 0, calls: [] as string[], cancelled: false, paused: false };
  const api = {
    async work(label: string, ms: number): Promise<string> {
      state.active++;
      state.maxActive = Math.max(state.maxActive, state.active);
      state.calls.push(label);
      await new Promise((r) => setTimeout(r, ms));
      state.active--;
      return `done ${label}`;
    },
    /** Runs until cancel() is called, then resolves (not rejects), like the student's caption run. */
    async longRun(): Promise<string> {
      state.calls.push('longRun');
      while (!state.cancelled) await new Promise((r) => setTimeout(r, 2));
      return 'stopped early';
    },
    async cancel(): Promise<void> {
      state.cancelled = true;
    },
    async pause(): Promise<boolean> {
      state.paused = true;
      return state.paused;
    },
    async fail(): Promise<never> {
      const error = new Error('no adapter');
      error.name = 'DeviceUnavailableError';
      throw error;
    },
    async hang(): Promise<never> {
      return new Promise<never>(() => {});
    },
  };
  return { api, state };
}
type Api = ReturnType<typeof makeApi>['api'];

const bridges: WorkerBridge<Api>[] = [];
const workers: FakeWorker[] = [];
afterEach(() => {
  for (const bridge of bridges.splice(0)) bridge.dispose();
  for (const worker of workers.splice(0)) worker.terminate();
});

function setup(options: { idleMs?: number; cooperativeCancel?: boolean; init?: () => Promise<void> } = {}) {
  const created: { worker: FakeWorker; state: ReturnType<typeof makeApi>['state'] }[] = [];
  const crashes: string[] = [];
  const bridge = new WorkerBridge<Api>({
    name: 'test worker',
    idleMs: options.idleMs ?? Infinity,
    create: () => {
      const { api, state } = makeApi();
      const worker = new FakeWorker(api);
      created.push({ worker, state });
      workers.push(worker);
      return worker;
    },
    ...(options.init ? { init: options.init } : {}),
    ...(options.cooperativeCancel ? { cancel: (api) => api.cancel() } : {}),
    onCrash: (error) => crashes.push(error.message),
  });
  bridges.push(bridge);
  return { bridge, created, crashes };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WorkerBridge', () => {
  it('runs tasks one at a time, in the order they were queued, on one worker', async () => {
    const { bridge, created } = setup();
    const results = await Promise.all([
      bridge.run((api) => api.work('a', 15)),
      bridge.run((api) => api.work('b', 1)),
      bridge.run((api) => api.work('c', 5)),
    ]);
    expect(results).toEqual(['done a', 'done b', 'done c']);
    expect(created).toHaveLength(1);
    expect(created[0]!.state.calls).toEqual(['a', 'b', 'c']);
    expect(created[0]!.state.maxActive).toBe(1);
  });

  it('passes a worker-side error through with its name and message', async () => {
    const { bridge } = setup();
    await expect(bridge.run((api) => api.fail())).rejects.toMatchObject({
      name: 'DeviceUnavailableError',
      message: 'no adapter',
    });
    // The worker is still fine for the next task.
    await expect(bridge.run((api) => api.work('after', 1))).resolves.toBe('done after');
  });

  it('drops a queued task whose signal aborts, without ever calling the worker', async () => {
    const { bridge, created } = setup();
    const controller = new AbortController();
    const first = bridge.run((api) => api.work('first', 20));
    const second = bridge.run((api) => api.work('second', 1), { signal: controller.signal });
    controller.abort();
    await expect(second).rejects.toMatchObject({ name: 'TaskAbortedError' });
    await expect(first).resolves.toBe('done first');
    expect(created[0]!.state.calls).toEqual(['first']);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { bridge, created } = setup();
    const controller = new AbortController();
    controller.abort();
    await expect(bridge.run((api) => api.work('x', 1), { signal: controller.signal })).rejects.toMatchObject({
      name: 'TaskAbortedError',
    });
    expect(created).toHaveLength(0);
  });

  it('without cooperative cancel, aborting a running task terminates its worker; the next task gets a new one', async () => {
    const { bridge, created } = setup();
    const controller = new AbortController();
    const running = bridge.run((api) => api.hang(), { signal: controller.signal });
    await sleep(10);
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'TaskAbortedError' });
    expect(created[0]!.worker.terminated).toBe(true);
    await expect(bridge.run((api) => api.work('next', 1))).resolves.toBe('done next');
    expect(created).toHaveLength(2);
  });

  it('with cooperative cancel, aborting asks the worker to stop and keeps it alive', async () => {
    const { bridge, created } = setup({ cooperativeCancel: true });
    const controller = new AbortController();
    const running = bridge.run((api) => api.longRun(), { signal: controller.signal });
    await sleep(10);
    controller.abort();
    await expect(running).resolves.toBe('stopped early');
    expect(created[0]!.state.cancelled).toBe(true);
    expect(created[0]!.worker.terminated).toBe(false);
    expect(created).toHaveLength(1);
  });

  it('steers the worker while a long task runs (pause reaches it outside the queue)', async () => {
    const { bridge, created } = setup({ cooperativeCancel: true });
    expect(await bridge.steer((api) => api.pause())).toBeUndefined(); // no worker yet: nothing to steer
    const controller = new AbortController();
    const running = bridge.run((api) => api.longRun(), { signal: controller.signal });
    await sleep(10);
    await expect(bridge.steer((api) => api.pause())).resolves.toBe(true);
    expect(created[0]!.state.paused).toBe(true);
    controller.abort();
    await running;
  });

  it('a crash fails the running task with WorkerCrashedError and the next task restarts the worker', async () => {
    const inits: number[] = [];
    const { bridge, created, crashes } = setup({ init: async () => void inits.push(inits.length) });
    const running = bridge.run((api) => api.hang());
    await sleep(10);
    created[0]!.worker.crash('out of memory');
    await expect(running).rejects.toMatchObject({
      name: 'WorkerCrashedError',
      message: 'The test worker stopped: out of memory. It restarts on the next task.',
    });
    expect(crashes).toHaveLength(1);
    expect(created[0]!.worker.terminated).toBe(true);
    await expect(bridge.run((api) => api.work('again', 1))).resolves.toBe('done again');
    expect(created).toHaveLength(2);
    expect(inits).toEqual([0, 1]); // init ran again on the fresh worker
  });

  it('runs init once per worker, again after invalidate(), and retries it after it failed', async () => {
    let initCalls = 0;
    let failNext = true;
    const { bridge } = setup({
      init: async () => {
        initCalls++;
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error('model missing'), { name: 'ModelLoadError' });
        }
      },
    });
    await expect(bridge.run((api) => api.work('a', 1))).rejects.toMatchObject({ name: 'ModelLoadError' });
    await bridge.run((api) => api.work('b', 1));
    await bridge.run((api) => api.work('c', 1));
    expect(initCalls).toBe(2);
    bridge.invalidate();
    await bridge.run((api) => api.work('d', 1));
    expect(initCalls).toBe(3);
  });

  it('invalidate() during init: the task waits for an init of the new settings, not the one that was going on', async () => {
    const loads: string[] = [];
    let model = 'old';
    const { bridge } = setup({
      init: async () => {
        const loading = model;
        await sleep(20);
        loads.push(loading);
      },
    });
    const task = bridge.run((api) => api.work('a', 1));
    await sleep(5);
    model = 'new'; // the model changed while the old one was loading
    bridge.invalidate();
    await task;
    expect(loads).toEqual(['old', 'new']);
    await bridge.run((api) => api.work('b', 1));
    expect(loads).toEqual(['old', 'new']);
  });

  it('tears an idle worker down after idleMs and starts a new one for the next task', async () => {
    const { bridge, created } = setup({ idleMs: 30 });
    await bridge.run((api) => api.work('a', 1));
    expect(bridge.alive).toBe(true);
    await sleep(10);
    expect(bridge.alive).toBe(true);
    await sleep(60);
    expect(bridge.alive).toBe(false);
    expect(created[0]!.worker.terminated).toBe(true);
    await bridge.run((api) => api.work('b', 1));
    expect(created).toHaveLength(2);
  });

  it('a busy worker is never torn down for idleness', async () => {
    const { bridge, created } = setup({ idleMs: 10 });
    await bridge.run((api) => api.work('long', 60));
    expect(created[0]!.worker.terminated).toBe(false);
  });

  it('dispose rejects everything queued and refuses new tasks', async () => {
    const { bridge } = setup();
    const running = bridge.run((api) => api.hang());
    const queued = bridge.run((api) => api.work('never', 1));
    await sleep(5);
    bridge.dispose();
    await expect(queued).rejects.toMatchObject({ name: 'BridgeDisposedError' });
    await expect(running).rejects.toMatchObject({ name: 'BridgeDisposedError' });
    await expect(bridge.run((api) => api.work('x', 1))).rejects.toMatchObject({
      name: 'BridgeDisposedError',
    });
  });
});
