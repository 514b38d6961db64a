import { afterEach, describe, expect, it } from 'vitest';
import { createStudentPort } from '../../../src/flows/bridge/student-port';
import type { WorkerBridge } from '../../../src/flows/bridge/worker-bridge';
import { createStudioStore } from '../../../src/state/store';
import { memoryKv } from '../fakes';
import { FakeWorker } from './fake-worker';

const bridges: WorkerBridge<object>[] = [];
afterEach(() => {
  for (const bridge of bridges.splice(0)) bridge.dispose();
});

/** A student worker whose load fails when told to, like the hub failing offline. */
function setup() {
  const { api: store } = createStudioStore(memoryKv());
  // Resolved with the load's reject once the worker's load has been called: a failure is only sent then (a fixed
  // sleep before it lost the race on a loaded machine: the load never failed and the test timed out).
  let loadCalled: (reject: (error: Error) => void) => void = () => {};
  const failLoad = new Promise<(error: Error) => void>((resolve) => {
    loadCalled = resolve;
  });
  const api = {
    load: () =>
      new Promise<never>((_, reject) => {
        loadCalled(reject);
      }),
    caption: async () => ({ items: [], cancelled: false, elapsedMs: 0 }),
    cancel: async () => {},
  };
  const { port, bridge } = createStudentPort({
    store,
    folderFiles: async () => ({}),
    // The port's `create` is typed for the browser's Worker; the bridge only uses what FakeWorker has.
    create: () => new FakeWorker(api) as unknown as Worker,
  });
  bridges.push(bridge as WorkerBridge<object>);
  const caption = () =>
    port.caption(
      [],
      { ...store.getState().settings.generation, minNewTokens: 0 },
      () => {},
      new AbortController().signal,
    );
  const unavailable = () =>
    Object.assign(new Error('not in the app and the hub cannot be reached'), {
      name: 'ModelUnavailableError',
    });
  return {
    store,
    caption,
    loadStarted: failLoad,
    fail: async (error: Error) => (await failLoad)(error),
    unavailable,
  };
}

describe('student port: the model state the UI shows', () => {
  it('a load failure is the selected model’s error', async () => {
    const { store, caption, fail, unavailable } = setup();
    const call = caption().catch((error: unknown) => error);
    await fail(unavailable());
    expect(await call).toMatchObject({ name: 'ModelUnavailableError' });
    expect(store.getState().student).toMatchObject({
      status: 'error',
      error: { name: 'ModelUnavailableError' },
    });
  });

  it('the failure of a model that was replaced meanwhile is not shown as the new model’s error', async () => {
    const { store, caption, loadStarted, unavailable } = setup();
    const call = caption().catch((error: unknown) => error);
    const reject = await loadStarted;
    store.getState().setModel({ kind: 'id', modelId: 'tiny-random/vit-gpt2' });
    store.getState().studentStale(); // as the studio does on a model change
    reject(unavailable());
    expect(await call).toMatchObject({ name: 'ModelUnavailableError' });
    expect(store.getState().student.error).toBeNull();
  });
});
