/**
 * A lost GPU device in the student worker (or the worker crashing) in the middle of training, end to end in the
 * page's code: the training
 * controller, the real training and student ports and WorkerBridge, and the student worker's own services
 * (StudentService + TuningService on onnxruntime-node, the tiny student, 8 real photos) with a fault switch
 * (test/support/losable-student-worker.ts). The run goes on in a fresh worker (on WASM: WebGPU does not come
 * back) from its last stored checkpoint; the loss curve is the uninterrupted run's, each step once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createStudentPort } from '../../../src/flows/bridge/student-port';
import type { WorkerBridge } from '../../../src/flows/bridge/worker-bridge';
import { createStudioStore } from '../../../src/state/store';
import { TrainingController } from '../../../src/flows/train/controller';
import { createTrainingPort } from '../../../src/flows/train/training-port';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';
import { losableStudentWorker, type LosableStudentWorker } from '../../support/losable-student-worker';
import { photosById, TINY_ID, TRAIN_SAMPLES } from '../../lib/train/helpers/node-tuning';
import { FakeWorker } from '../bridge/fake-worker';
import { memoryKv, until } from '../fakes';
import { MemoryCheckpoints, acceptedItem, captionedCard, fakeCaptioning } from './fakes';

const bridges: WorkerBridge<object>[] = [];
afterEach(() => {
  for (const bridge of bridges.splice(0)) bridge.dispose();
});

/** A studio that trains 8 steps (8 photos, batches of 2, 2 epochs), a checkpoint every 2 steps. */
function setup(adapterAfterLoss: boolean) {
  const { api: store } = createStudioStore(memoryKv());
  const s = store.getState();
  s.setModel({ kind: 'id', modelId: TINY_ID });
  for (const sample of TRAIN_SAMPLES) {
    s.addCard(captionedCard(sample.imageId, 'a photo'));
    s.criticPutItem(acceptedItem(sample.imageId, 'a photo', sample.text));
  }
  s.setTuningSettings({ optimizer: 'adamw', lr: 1e-2, batchSize: 2, epochs: 2, checkpointEvery: 2 });
  s.setLoopSettings({ rounds: 1, cleanRatio: 0, keepLast: 10 });

  const workers: LosableStudentWorker[] = [];
  const fakes: FakeWorker[] = [];
  const { bridge } = createStudentPort({
    store,
    folderFiles: async () => ({}),
    create: () => {
      const worker = losableStudentWorker({ adapter: workers.length === 0 || adapterAfterLoss });
      workers.push(worker);
      fakes.push(new FakeWorker(worker.api));
      return fakes.at(-1) as unknown as Worker;
    },
  });
  bridges.push(bridge as WorkerBridge<object>);
  const controller = new TrainingController({
    store,
    port: createTrainingPort({ store, bridge, folderFiles: async () => ({}) }),
    checkpoints: new MemoryCheckpoints(),
    captioning: fakeCaptioning(store),
    scoring: {
      synonyms: async () => CHAIR_SYNONYMS,
      evidence: async () => undefined,
      clipScores: async (items) => items.map(() => 0.5),
    },
    pixels: (ids) => photosById(ids),
    newId: () => 'abc',
  });
  return { store, controller, workers, fakes };
}

/**
 * Trains once uninterrupted, then again with `fault` striking the first worker once the page has seen step 3
 * (the worker is on step 4 or just past it by then), and checks the second run against the first.
 */
async function resumesAfter(
  fault: (run: ReturnType<typeof setup>) => void,
  notice: (resumedAt: number) => string,
  device: 'wasm' | 'webgpu',
): Promise<void> {
  const webgpuComesBack = device === 'webgpu';
  const reference = setup(true);
  reference.controller.train();
  await reference.controller.idle();
  const whole = reference.store.getState().training;
  expect(whole.status).toBe('done');
  expect(whole.losses.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

  const run = setup(webgpuComesBack);
  const { store, controller, workers } = run;
  const unsubscribe = store.subscribe((state) => {
    if (state.training.losses.some((p) => p.step === 3) && workers.length === 1) {
      unsubscribe();
      fault(run);
    }
  });
  controller.train();
  await until(() => workers.length === 2, 60_000);
  await controller.idle();

  const t = store.getState().training;
  expect(t.error).toBeNull();
  expect(t.status).toBe('done');
  const [first, second] = workers as [LosableStudentWorker, LosableStudentWorker];
  // The fresh worker started right after the last checkpoint stored before the fault, and only the steps
  // after it ran twice (once in the first worker, whose results never reached a checkpoint).
  const resumedAt = second.trainedSteps[0]! - 1;
  expect(resumedAt % 2).toBe(0);
  expect(resumedAt).toBeGreaterThanOrEqual(2);
  expect(second.trainedSteps).toEqual([...Array(8 - resumedAt).keys()].map((i) => resumedAt + 1 + i));
  expect(first.trainedSteps.slice(0, resumedAt)).toEqual([...Array(resumedAt).keys()].map((i) => i + 1));
  expect(t.lastStart).toMatchObject({ fromStep: resumedAt, continues: true });
  expect(t.notices.map((n) => n.message)).toContain(notice(resumedAt));
  // The curve: every step once, the uninterrupted run's losses (the CPU EP resumes bit for bit).
  expect(t.losses.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(t.losses.map((p) => p.loss)).toEqual(whole.losses.map((p) => p.loss));
  // Checkpoints: one row per step, the round end last; the tuned weights caption on the expected device.
  const steps = t.checkpoints.map((c) => c.step);
  expect(new Set(steps).size).toBe(steps.length);
  expect(t.checkpoints.at(-1)).toMatchObject({ step: 8, kind: 'round-end' });
  expect(store.getState().student.info?.device).toBe(device);
}

describe('training when the GPU device is lost or the worker crashes mid-run', () => {
  it('a lost device: goes on in a fresh worker (WASM) from the last stored checkpoint, the same curve, no step twice', async () => {
    await resumesAfter(
      (run) => run.workers[0]!.loseDevice(),
      (at) =>
        `The GPU device was lost; training goes on in a fresh student worker from the checkpoint at step ${at}.`,
      'wasm',
    );
  }, 180_000);

  it('a crashed worker: goes on in a fresh worker from the last stored checkpoint, the same curve, no step twice', async () => {
    await resumesAfter(
      (run) => {
        run.fakes[0]!.crash('RangeError: out of memory (test)');
        // A crashed worker runs nothing more (the bridge terminates its thread); this in-process stand-in would
        // go on training and reporting through its Comlink ports, so every later ORT call in it fails instead.
        run.workers[0]!.loseDevice();
      },
      (at) =>
        `The student worker stopped; training goes on in a fresh student worker from the checkpoint at step ${at}.`,
      'webgpu',
    );
  }, 180_000);
});
