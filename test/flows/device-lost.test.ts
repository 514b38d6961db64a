/**
 * A lost GPU device in the student worker while captioning, through the real student port and WorkerBridge, on
 * the student worker's own services (onnxruntime-node, the tiny student) with a fault switch
 * (test/support/losable-student-worker.ts): the dead worker is retired, a fresh one loads the model again (on
 * WASM when WebGPU does not come back), and only the images whose captions were not stored are captioned again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerBridge } from '../../src/flows/bridge/worker-bridge';
import { createStudentPort } from '../../src/flows/bridge/student-port';
import { createStudio, type Studio } from '../../src/flows/studio';
import { createStudioStore } from '../../src/state/store';
import { losableStudentWorker, type LosableStudentWorker } from '../support/losable-student-worker';
import { FakeWorker } from './bridge/fake-worker';
import { FakeImageStore, FakeIngest, incoming, memoryKv } from './fakes';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const done of cleanup.splice(0)) done();
});

function setup() {
  const state = createStudioStore(memoryKv());
  const store = state.api;
  store.getState().setModel({ kind: 'id', modelId: 'tiny-random/vit-gpt2' });
  store.getState().setGeneration({ batchSize: 1, maxNewTokens: 4 });
  const workers: LosableStudentWorker[] = [];
  const { port, bridge } = createStudentPort({
    store,
    folderFiles: async () => ({}),
    create: () => {
      // The first worker has a GPU; after it is lost, WebGPU does not come back in this browser.
      const worker = losableStudentWorker({ adapter: workers.length === 0 });
      workers.push(worker);
      return new FakeWorker(worker.api) as unknown as Worker;
    },
  });
  const images = new FakeImageStore();
  const studio: Studio = createStudio({
    store,
    hydrated: state.hydrated,
    flush: state.flush,
    ingest: new FakeIngest(),
    images,
    student: port,
    batchesPerCall: 8,
  });
  cleanup.push(
    () => studio.dispose(),
    () => (bridge as WorkerBridge<object>).dispose(),
  );
  return { store, studio, images, workers };
}

describe('captioning when the GPU device is lost', () => {
  it('goes on in a fresh worker on WASM and captions only the images whose captions were not stored', async () => {
    const { store, studio, images, workers } = setup();
    // The device is lost once two captions are stored, in the middle of the worker's one call for all five.
    const addCaption = images.addCaption.bind(images);
    images.addCaption = async (id, modelId, text) => {
      await addCaption(id, modelId, text);
      if (images.captions.length === 2) workers[0]!.loseDevice();
    };
    const files = ['a', 'b', 'c', 'd', 'e'].map((n, i) => incoming(`${n}.png`, `IMG ${8 + i}x8 ${n}`));
    await studio.addFiles(files);
    await studio.settled();

    const s = store.getState();
    const cards = s.order.map((id) => s.cards[id]!);
    expect(cards.map((c) => c.status)).toEqual(Array(5).fill('captioned'));
    expect(s.run.error).toBeNull();
    expect(workers).toHaveLength(2);
    expect(s.student.info?.device).toBe('wasm'); // the fresh worker found no adapter: WASM

    // Nothing done twice: each image's caption stored once; the fresh worker got only the others.
    const stored = images.captions.map((c) => c.id);
    expect(new Set(stored).size).toBe(5);
    expect(stored).toHaveLength(5);
    const [first, second] = workers as [LosableStudentWorker, LosableStudentWorker];
    const beforeLoss = stored.filter((id) => !second.captionRequests.includes(id));
    expect(beforeLoss.length).toBeGreaterThanOrEqual(2);
    expect(second.captionRequests.length).toBeGreaterThan(0);
    expect(new Set(second.captionRequests).size).toBe(second.captionRequests.length);
    expect([...beforeLoss, ...second.captionRequests].sort()).toEqual([...stored].sort());
    expect(first.captionRequests.sort()).toEqual([...stored].sort()); // the lost call had them all
  }, 60_000);
});
