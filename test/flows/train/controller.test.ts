/**
 * The training controller over fakes: a round runs caption → refine → train → re-caption → re-score, the loss
 * curve and checkpoints land in the slice and IndexedDB, the tuned weights caption afterwards, a reload in the
 * middle of training continues the same run from its last checkpoint with the curve cut back to it, Stop and
 * Continue, retention and rollback, and the export zip's layout.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ZipReader } from '../../support/zip-reader';
import { createStudioStore } from '../../../src/state/store';
import { TrainingController } from '../../../src/flows/train/controller';
import { buildExportZip } from '../../../src/flows/export/export-zip';
import { idbKeyValue } from '../../../src/state/persist/idb';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';
import {
  FakeTrainingWorker,
  MemoryCheckpoints,
  acceptedItem,
  captionedCard,
  describeCheckpoint,
  fakeCaptioning,
} from './fakes';

let db = 0;
const table = CHAIR_SYNONYMS;

async function studio(kvName = `training-test-${++db}`) {
  const state = createStudioStore(idbKeyValue(kvName, 'state'));
  await state.hydrated;
  return { state, kvName };
}

function setup(
  store: Awaited<ReturnType<typeof studio>>['state'],
  checkpoints = new MemoryCheckpoints(),
  persisted?: () => Promise<void>,
) {
  const worker = new FakeTrainingWorker();
  const captioning = fakeCaptioning(store.api);
  const controller = new TrainingController({
    store: store.api,
    port: worker,
    checkpoints,
    captioning,
    scoring: {
      synonyms: async () => table,
      evidence: async () => undefined,
      clipScores: async (items) => items.map((i) => (i.caption.includes('tuned') ? 0.8 : 0.5)),
    },
    pixels: async (ids) => ids.map((id) => ({ id, image: { width: 1, height: 1, data: new Uint8Array(4) } })),
    newId: () => 'abc',
    ...(persisted ? { persisted } : {}),
  });
  return { worker, captioning, controller, checkpoints };
}

function seed(store: Awaited<ReturnType<typeof studio>>['state']) {
  const s = store.api.getState();
  s.addCard(captionedCard('cats', 'a dog on a bed'));
  s.addCard(captionedCard('sign', 'a red sign'));
  s.criticPutItem(acceptedItem('cats', 'a dog on a bed', 'two cats on a couch'));
  s.setTuningSettings({ checkpointEvery: 2 });
  s.setLoopSettings({ keepLast: 10 });
  s.patchTraining({
    coco: {
      fileName: 'instances.json',
      matches: { cats: { cocoId: 39769, objects: ['bed', 'cat', 'couch', 'remote'] } },
      annotatedImages: 1,
      unmatched: 1,
      synonyms: 'chair-list',
    },
  });
}

describe('TrainingController', () => {
  it('runs a round: loss curve, checkpoints, tuned captions, before/after and scores', async () => {
    const { state } = await studio();
    seed(state);
    const { worker, controller, checkpoints } = setup(state);
    controller.train();
    await controller.idle();
    const t = state.api.getState().training;
    expect(t.status).toBe('done');
    expect(t.error).toBeNull();
    expect(t.losses.map((p) => [p.round, p.step, p.loss])).toEqual(
      [1, 2, 3, 4, 5, 6].map((s) => [0, s, 10 - s]),
    );
    expect(worker.calls).toHaveLength(1);
    expect(worker.calls[0]).toMatchObject({
      runId: 'r1-abc',
      samples: [{ imageId: 'cats', text: 'two cats on a couch', weight: 1 }],
    });
    expect(worker.calls[0]!.start).toBeUndefined();
    // Interval checkpoints at 2 and 4; the round end at 6 replaced the interval one at 6.
    expect(t.checkpoints.map((c) => [c.step, c.kind])).toEqual([
      [2, 'interval'],
      [4, 'interval'],
      [6, 'round-end'],
    ]);
    expect([...checkpoints.data.keys()].sort()).toEqual(['r1-abc-2', 'r1-abc-4', 'r1-abc-6-end']);
    expect(t.active).toBe('r1-abc-6-end');
    expect(worker.weights).toEqual(['r1-abc@6']);
    expect(state.api.getState().student.info?.modelId).toBe('tiny+tuned@r1s6');
    expect(t.images['cats']).toMatchObject({
      original: 'a dog on a bed',
      target: 'two cats on a couch',
      tuned: 'tiny+tuned@r1s6: cats',
    });
    // CHAIR on the annotated image: "dog" is not on it (1 of 2 mentions), the target has none wrong.
    expect(t.images['cats']!.originalScores).toMatchObject({ chairI: 0.5, clip: 0.5 });
    expect(t.images['cats']!.targetScores).toMatchObject({ chairI: 0 });
    expect(t.scores.map((s) => s.round)).toEqual([-1, 0]);
    expect(t.scores[0]!.summary.chairI?.all).toBe(0.5);
    expect(t.scores[1]!.summary.clipScore?.all).toBeCloseTo(0.8, 12);
  });

  it('after a reload in the middle of training, continues the same run from its last checkpoint', async () => {
    const first = await studio();
    seed(first.state);
    const checkpoints = new MemoryCheckpoints();
    const before = setup(first.state, checkpoints);
    before.worker.hangAfter = 3; // the tab goes away after step 3; the last checkpoint is step 2
    before.controller.train();
    await until(() => first.state.api.getState().training.losses.length === 3);
    await first.state.flush();
    expect(first.state.api.getState().training).toMatchObject({
      status: 'running',
      position: { stage: 'train' },
    });

    const reloaded = createStudioStore(idbKeyValue(first.kvName, 'state'));
    await reloaded.hydrated;
    // The critic's decisions come back through the critic's own persistence (src/state/persist/critic.ts).
    reloaded.api.getState().criticPutItem(acceptedItem('cats', 'a dog on a bed', 'two cats on a couch'));
    const after = setup(reloaded, checkpoints);
    after.controller.resumeAfterReload();
    await after.controller.idle();
    const t = reloaded.api.getState().training;
    expect(after.worker.calls).toHaveLength(1);
    expect(after.worker.calls[0]!.runId).toBe('r1-abc');
    expect(after.worker.calls[0]!.start?.continues).toBe(true);
    expect(describeCheckpoint(after.worker.calls[0]!.start!.bytes)).toBe('r1-abc@2');
    // Step 3 was lost with the tab: the curve goes 1, 2, then 3… again from the checkpoint, with no gap or repeat.
    expect(t.losses.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.status).toBe('done');
    void before.worker.stop();
  });

  it("has a checkpoint's row in IndexedDB before the worker trains on past it", async () => {
    // The slice is written behind; without waiting for it, a reload right after a checkpoint would find its
    // bytes but not its row, and start the run over.
    const { state, kvName } = await studio();
    seed(state);
    const { worker, controller } = setup(state, new MemoryCheckpoints(), state.flush);
    const listed: number[][] = [];
    worker.afterCheckpoint = async () => {
      const reloaded = createStudioStore(idbKeyValue(kvName, 'state'));
      await reloaded.hydrated;
      listed.push(reloaded.api.getState().training.checkpoints.map((c) => c.step));
    };
    controller.train();
    await controller.idle();
    expect(listed).toEqual([[2], [2, 4], [2, 4, 6]]);
  });

  it('stops at Stop, and Continue goes on from the same run', async () => {
    const { state } = await studio();
    seed(state);
    const { worker, controller } = setup(state);
    worker.hangAfter = 4;
    controller.train();
    await until(() => state.api.getState().training.losses.length === 4);
    controller.stop();
    await controller.idle();
    expect(state.api.getState().training).toMatchObject({
      status: 'stopped',
      position: { round: 0, stage: 'train' },
    });
    worker.hangAfter = null;
    controller.continue();
    await controller.idle();
    expect(worker.calls.map((c) => [c.runId, c.start?.continues])).toEqual([
      ['r1-abc', undefined],
      ['r1-abc', true],
    ]);
    expect(state.api.getState().training.losses.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(state.api.getState().training.status).toBe('done');
  });

  it("keeps the last K checkpoints and every round end; a second round starts from the first one's weights", async () => {
    const { state } = await studio();
    seed(state);
    state.api.getState().setLoopSettings({ keepLast: 1, rounds: 2 });
    const { worker, controller, checkpoints } = setup(state);
    controller.train();
    await controller.idle();
    const t = state.api.getState().training;
    expect(t.checkpoints.map((c) => c.id).sort()).toEqual(['r1-abc-6-end', 'r2-abc-6-end']);
    expect([...checkpoints.data.keys()].sort()).toEqual(['r1-abc-6-end', 'r2-abc-6-end']);
    expect(
      worker.calls.map((c) => [c.runId, c.start && describeCheckpoint(c.start.bytes), c.start?.continues]),
    ).toEqual([
      ['r1-abc', undefined, undefined],
      ['r2-abc', 'r1-abc@6', false],
    ]);
    expect(t.losses.filter((p) => p.round === 1)).toHaveLength(6);
    expect(t.scores.map((s) => s.round)).toEqual([-1, 0, 1]);

    await controller.rollBack('r1-abc-6-end');
    expect(state.api.getState().training.active).toBe('r1-abc-6-end');
    expect(worker.weights.at(-1)).toBe('r1-abc@6');
    await controller.deleteCheckpoint('r1-abc-6-end');
    expect(state.api.getState().training.error?.name).toBe('CheckpointInUseError');
    await controller.deleteCheckpoint('r2-abc-6-end');
    expect([...checkpoints.data.keys()]).toEqual(['r1-abc-6-end']);
  });

  it('fails the train stage with a message when nothing is accepted', async () => {
    const { state } = await studio();
    state.api.getState().addCard(captionedCard('cats', 'a dog'));
    const { controller } = setup(state);
    controller.train();
    await controller.idle();
    expect(state.api.getState().training).toMatchObject({
      status: 'failed',
      position: { stage: 'train' },
      error: { name: 'NoTrainingDataError' },
    });
  });

  it('does not train on an accepted rewrite the evidence does not back, and says why', async () => {
    const { state } = await studio();
    state.api.getState().addCard(captionedCard('cats', 'a dog with a cup'));
    state.api.getState().criticPutItem({
      ...acceptedItem('cats', 'a dog with a cup', 'two cats'),
      backed: false,
      unbackedChanges: {
        removed: [{ object: 'cup', verdict: 'unverified', evidenceRecall: 0.66 }],
        added: [],
      },
    });
    const { controller, worker } = setup(state);
    controller.train();
    await controller.idle();
    expect(worker.calls).toHaveLength(0);
    const t = state.api.getState().training;
    expect(t).toMatchObject({ status: 'failed', error: { name: 'NoTrainingDataError' } });
    expect(t.error!.message).toContain(
      "1 accepted rewrite is left out. Not backed by the evidence: removes 'cup'",
    );
  });

  it('exports one zip: the tuned model folder and the captions as imagefolder JSONL and COCO JSON', async () => {
    const { state } = await studio();
    seed(state);
    const { worker, controller } = setup(state);
    controller.train();
    await controller.idle();
    const { zip, fileName } = await buildExportZip({
      store: state.api,
      port: worker,
      book: controller.book,
      imageFile: async (id) => new TextEncoder().encode(`jpeg of ${id}`),
      now: () => 0,
    });
    expect(fileName).toBe('capgrad-vit-gpt2-scenes-tuned-r1-s6.zip'); // the default student's id, '/' → '-'
    const bytes = new Uint8Array(zip.byteLength);
    let at = 0;
    for (const c of zip.chunks) bytes.set(c, (at += c.byteLength) - c.byteLength);
    const reader = ZipReader.open(bytes);
    expect(new TextDecoder().decode(await reader.read('onnx/decoder_model_merged.onnx'))).toBe(
      'merged r1-abc@6',
    );
    expect(reader.has('capgrad_export.json')).toBe(true);
    const rows = new TextDecoder()
      .decode(await reader.read('dataset/metadata.jsonl'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toEqual([
      expect.objectContaining({
        file_name: 'images/cats.jpg',
        text: 'two cats on a couch',
        caption_source: 'refined',
        original_caption: 'a dog on a bed',
        tuned_caption: 'tiny+tuned@r1s6: cats',
        coco_id: 39769,
      }),
    ]);
    expect(new TextDecoder().decode(await reader.read('dataset/images/cats.jpg'))).toBe('jpeg of cats');
    const coco = JSON.parse(new TextDecoder().decode(await reader.read('dataset/captions_coco.json')));
    expect(coco.annotations).toEqual([{ id: 1, image_id: 39769, caption: 'two cats on a couch' }]);
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
