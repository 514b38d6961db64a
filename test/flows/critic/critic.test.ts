/**
 * The critic's queue in the page (createCritic) with a fake teacher worker and in-memory storage: evidence from
 * the hand-written Florence-2 fixtures, the real template engine and loop, decisions stored as training targets,
 * pause across a reload, cancel, and a teacher that fails.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EnginePrompt } from '../../../src/lib/critic/engines/engine';
import { findingsToReply } from '../../../src/lib/critic/parse';
import { decide, trainingCandidate } from '../../../src/lib/critic/records';
import type { Critic } from '../../../src/flows/critic/critic';
import { createCritic, NoGroundTruthError } from '../../../src/flows/critic/critic';
import { persistCritic } from '../../../src/state/persist/critic';
import { CriticRunner } from '../../../src/flows/critic/runner';
import { createStudioStore } from '../../../src/state/store';
import { ScriptedEngine } from '../../lib/critic/helpers/scripted-engine';
import { memoryKv, tick, until } from '../fakes';
import { CATS, FakeData, FakeTeacher } from './fakes';

const critics: Critic[] = [];
afterEach(() => {
  for (const c of critics.splice(0)) c.dispose();
});

function setup(kv = memoryKv(), data = new FakeData(), teacher = new FakeTeacher()) {
  const state = createStudioStore(kv);
  const store = state.api;
  const critic = createCritic({
    store,
    teacher,
    data,
    persistence: persistCritic(store, kv, (e) => {
      throw e;
    }),
    studioReady: state.hydrated,
  });
  critics.push(critic);
  const addCard = (id: string, caption: string) =>
    store.getState().addCard({
      id,
      name: `${id}.jpg`,
      byteLength: 10,
      width: 640,
      height: 480,
      status: 'captioned',
      caption,
      captionModel: 'student',
      warnings: [],
      addedAt: 1,
      saved: true,
    });
  const items = () => store.getState().critic.items;
  return { kv, data, teacher, store, critic, state, addCard, items };
}

describe('the critic queue', () => {
  it('critiques captioned images in batches and keeps evidence and refinement under content keys', async () => {
    const { critic, addCard, items, teacher, data, store } = setup();
    await critic.ready;
    store.getState().criticSetSettings({ calibrated: false }); // the plain rule: it adds the cats it sees
    addCard('cats', 'A dog lying on a couch.');
    addCard('stop', 'A stop sign on a street.');
    expect(critic.start()).toBe(2);
    await critic.settled();
    expect(teacher.calls).toEqual([['cats', 'stop']]);
    const cats = items()['cats']!;
    expect(cats).toMatchObject({ status: 'done', engine: 'template@1', decision: 'pending' });
    expect(cats.refined!.toLowerCase()).toContain('cats');
    expect(cats.refined!.toLowerCase()).not.toContain('dog');
    expect(cats.bestScore!).toBeGreaterThan(cats.originalScore!);
    const detail = await critic.detail('cats');
    expect(detail.evidence?.evidence).toEqual(CATS);
    expect(detail.refinement?.refinement.versions.at(-1)?.caption).toBe(cats.refined);
    expect(store.getState().critic.run).toMatchObject({ state: 'idle', completed: 2, total: 2 });
    // Done items are not queued again unless asked; asking again answers every engine call from the cache.
    expect(critic.start()).toBe(0);
    const entries = data.cache.entries.size;
    expect(critic.again(['cats'])).toBe(1);
    await critic.settled();
    expect(data.cache.entries.size).toBe(entries);
    expect(items()['cats']!.refinementKey).toBe(cats.refinementKey);
  });

  it('calibrated verdicts: a missed spoon (the detector finds almost none) is left alone, a missed dog is not', async () => {
    const { critic, addCard, items, store } = setup();
    await critic.ready;
    store.getState().criticSetSettings({ calibrated: false }); // the plain rule first, for comparison
    addCard('cats', 'Two cats on a couch with a spoon.');
    critic.start();
    await critic.settled();
    const plain = items()['cats']!;
    expect(plain.refined!.toLowerCase()).not.toContain('spoon');

    store.getState().criticSetSettings({ calibrated: true });
    critic.again(['cats']);
    await critic.settled();
    const calibrated = items()['cats']!;
    expect(calibrated.refinementKey).not.toBe(plain.refinementKey);
    expect(calibrated.refined!.toLowerCase()).toContain('spoon');
    const { refinement } = await critic.detail('cats');
    expect(refinement!.refinement.versions[0]!.critique.hallucinations).toEqual([]);

    addCard('stop', 'A dog next to a stop sign.');
    critic.start(['stop']);
    await critic.settled();
    expect(items()['stop']!.refined!.toLowerCase()).not.toContain('dog');
    // The template rewrite drops only the contradicted dog: backed, and trained on once accepted.
    expect(items()['stop']).toMatchObject({ backed: true });
    expect(items()['stop']!.unbackedChanges).toBeUndefined();
    await critic.accept('stop');
    expect(trainingCandidate(items()['stop']!).status).toBe('accepted');

    // Without calibrated verdicts a critique says nothing about backing.
    store.getState().criticSetSettings({ calibrated: false });
    critic.again(['stop']);
    await critic.settled();
    expect(items()['stop']!.status).toBe('done');
    expect(items()['stop']!.backed).toBeUndefined();
  });

  it("calibrated verdicts: an engine's rewrite that drops an unverified object is not backed, and not trained on", async () => {
    const { critic, store, teacher, data, addCard, items } = setup();
    await critic.ready; // its own runner has nothing queued: the test's runner alone works
    store.getState().criticSetSettings({ calibrated: true });
    // An LLM-like engine: calls the spoon a hallucination too, and drops it with the dog.
    const reply = (p: EnginePrompt): string => {
      const d = p.data;
      if (d.kind === 'feedback') return '<FEEDBACK>Leave out the dog and the spoon.</FEEDBACK>';
      if (d.kind === 'rewrite') return '<IMPROVED_CAPTION>Two cats on a couch.</IMPROVED_CAPTION>';
      const spoon = d.caption.includes('spoon')
        ? [{ object: 'spoon', text: 'a spoon', reason: 'I do not see one.' }]
        : [];
      return findingsToReply({
        ...d.ruleFindings,
        hallucinations: [...d.ruleFindings.hallucinations, ...spoon],
      });
    };
    const engine = new ScriptedEngine(
      'llm:test',
      Array.from({ length: 20 }, () => reply),
    );
    const runner = new CriticRunner({
      store,
      teacher,
      data,
      engine: async () => ({ engine, revision: 'test' }),
    });
    addCard('cats', 'A dog and two cats on a couch with a spoon.');
    expect(runner.enqueue(['cats'])).toBe(1);
    await runner.idle();
    const item = items()['cats']!;
    expect(item).toMatchObject({
      status: 'done',
      refined: 'Two cats on a couch.',
      backed: false,
      unbackedChanges: {
        removed: [{ object: 'spoon', verdict: 'unverified', evidenceRecall: 0 }],
        added: [],
      },
    });
    const accepted = decide(item, 'accepted', undefined, 1);
    expect(trainingCandidate(accepted)).toMatchObject({
      status: 'unbacked',
      reason:
        "Not backed by the evidence: removes 'spoon', which the detector often misses (it finds 0 % of them).",
    });
    expect(trainingCandidate(decide(item, 'edited', { text: 'Two cats on a couch.' }, 2)).status).toBe(
      'accepted',
    );
    // Queued again (same caption): the accepted rewrite stays out of training until the new critique says otherwise.
    store.getState().criticPutItem(accepted);
    runner.enqueue(['cats'], true);
    expect(items()['cats']).toMatchObject({ decision: 'accepted', backed: false });
    expect(trainingCandidate(items()['cats']!).status).toBe('unbacked');
    await runner.idle();
    expect(items()['cats']).toMatchObject({ status: 'done', backed: false });
  });

  it('measures the calibration on the critiqued images with ground truth, and judges by it once asked', async () => {
    const { critic, addCard, items, store } = setup();
    await critic.ready;
    await expect(critic.measureCalibration()).rejects.toThrow(/No critiqued image has ground truth/);
    addCard('cats', 'Two cats on a couch.');
    addCard('stop', 'A stop sign.');
    critic.start();
    await critic.settled();
    await expect(critic.measureCalibration()).rejects.toThrow(NoGroundTruthError);
    const matches = {
      cats: { cocoId: 39769, objects: ['bed', 'cat', 'couch', 'remote'] },
      stop: { cocoId: 724, objects: ['stop sign', 'car'] },
    };
    store.getState().patchTraining({
      coco: { fileName: 'x.json', matches, annotatedImages: 2, unmatched: 0, synonyms: 'chair-list' },
    });
    const before = items()['cats']!.refinementKey;
    const table = await critic.measureCalibration();
    expect(table.images).toBe(2);
    expect(table.measuredOn).toMatch(/^2 of your images with ground truth/);
    expect(table.categories['cat']).toMatchObject({ present: 1, named: 1 });
    expect(table.categories['bed']).toMatchObject({ present: 1 });
    expect(store.getState().critic.settings.calibrationTable).toEqual(table);

    // Used only with calibrated verdicts on; its figures key the critique (a new table, a new critique).
    store.getState().criticSetSettings({ calibrated: true });
    critic.again(['cats']);
    await critic.settled();
    const withOwn = items()['cats']!.refinementKey;
    expect(withOwn).not.toBe(before);
    critic.forgetCalibration();
    expect(store.getState().critic.settings.calibrationTable).toBeNull();
    critic.again(['cats']);
    await critic.settled();
    expect(items()['cats']!.refinementKey).not.toBe(withOwn);
  });

  it("sends the person's window overlap to the teacher and keys the evidence by it", async () => {
    const { critic, addCard, items, teacher, store } = setup();
    await critic.ready;
    addCard('cats', 'A dog lying on a couch.');
    critic.start();
    await critic.settled();
    const quarter = items()['cats']!.evidenceKey;
    store.getState().criticSetTeacherSettings({ overlap: 0.5 });
    critic.again(['cats']);
    await critic.settled();
    expect(teacher.settings.map((s) => s.crops.overlap)).toEqual([0.25, 0.5]);
    const half = items()['cats']!.evidenceKey;
    expect(half).toBeDefined();
    expect(half).not.toBe(quarter);
    // Back to 0.25: the same key as the first time (the cached evidence of that overlap).
    store.getState().criticSetTeacherSettings({ overlap: 0.25 });
    critic.again(['cats']);
    await critic.settled();
    expect(items()['cats']!.evidenceKey).toBe(quarter);
  });

  it('stores accepted and edited captions as training targets, rejects drop them', async () => {
    const { critic, addCard, items, data } = setup();
    await critic.ready;
    addCard('cats', 'A dog lying on a couch.');
    addCard('stop', 'A cat next to a stop sign.');
    critic.start();
    await critic.settled();
    await critic.accept('cats');
    await critic.edit('stop', 'A red stop sign on a pole.');
    expect(data.targets.map((t) => [t.imageId, t.source, t.text])).toEqual([
      ['cats', 'refined', items()['cats']!.refined],
      ['stop', 'user', 'A red stop sign on a pole.'],
    ]);
    expect(items()['stop']!.targetScore).toBe(1); // the edit names only what the evidence shows
    expect(trainingCandidate(items()['cats']!)).toMatchObject({
      status: 'accepted',
      target: items()['cats']!.refined,
    });
    await critic.reject('cats');
    expect(trainingCandidate(items()['cats']!).status).toBe('rejected');
  });

  it('keeps a paused queue paused across a reload, and resumes it there', async () => {
    const kv = memoryKv();
    const first = setup(kv);
    await first.critic.ready;
    first.addCard('cats', 'A dog lying on a couch.');
    first.critic.pause();
    first.critic.start();
    await tick(20);
    expect(first.teacher.calls).toEqual([]);
    expect(first.items()['cats']!.status).toBe('queued');
    await first.critic.settled();
    await first.state.flush();
    first.critic.dispose();

    const second = setup(kv, first.data);
    await second.critic.ready;
    expect(second.store.getState().critic.run.paused).toBe(true);
    expect(second.items()['cats']!.status).toBe('queued');
    second.critic.resume();
    await until(() => second.items()['cats']!.status === 'done');
    await second.critic.settled();
    expect(second.teacher.calls).toEqual([['cats']]);
  });

  it('cancels: the running batch and the waiting images end cancelled, and can be started again', async () => {
    const { critic, addCard, items, teacher } = setup();
    await critic.ready;
    for (const id of ['cats', 'stop', 'x']) addCard(id, 'A dog.');
    let open: () => void = () => {};
    teacher.gate = new Promise((resolve) => (open = resolve));
    critic.start();
    await until(() => teacher.calls.length === 1);
    critic.cancel();
    open();
    await critic.settled();
    expect(Object.values(items()).map((i) => i.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    teacher.gate = null;
    expect(critic.start()).toBe(3);
    await critic.settled();
    expect(Object.values(items()).every((i) => i.status === 'done')).toBe(true);
  });

  it('stops with the reason when the teacher itself fails, and marks the batch failed', async () => {
    const { critic, addCard, items, teacher, store } = setup();
    await critic.ready;
    addCard('cats', 'A dog.');
    teacher.failWith = Object.assign(new Error('no detector'), { name: 'TeacherLoadError' });
    critic.start();
    await critic.settled();
    expect(items()['cats']).toMatchObject({ status: 'failed', error: { name: 'TeacherLoadError' } });
    expect(store.getState().critic.run.error).toEqual({ name: 'TeacherLoadError', message: 'no detector' });
  });

  it('a crashed or device-lost teacher worker: the batch waits again for a fresh worker, nothing is done twice', async () => {
    const { critic, addCard, items, teacher, store, data } = setup();
    await critic.ready;
    for (const id of ['cats', 'stop', 'x']) addCard(id, 'A dog.');
    const evidence = teacher.evidence.bind(teacher);
    const failures = [
      Object.assign(new Error('The teacher worker stopped.'), { name: 'WorkerCrashedError' }),
      Object.assign(new Error('The GPU device was lost (destroyed).'), { name: 'DeviceLostError' }),
    ];
    // The first image's critique is stored before the worker goes: it must not be asked for again.
    let calls = 0;
    teacher.evidence = async (...args) => {
      calls++;
      if (calls >= 2 && failures.length > 0) {
        teacher.calls.push(args[0].map((r) => r.imageId));
        throw failures.shift()!;
      }
      return evidence(...args);
    };
    const critiques: string[] = [];
    const put = data.cache.put.bind(data.cache);
    data.cache.put = async (key: string, value: unknown, ...rest: unknown[]) => {
      const imageId = (value as { imageId?: string }).imageId;
      if (rest[0] === 'the critique of an image' && imageId) critiques.push(imageId);
      return put(key, value);
    };
    expect(critic.start()).toBe(3);
    await critic.settled();
    expect(store.getState().critic.run.error).toBeNull();
    expect(Object.values(items()).map((i) => [i.imageId, i.status])).toEqual([
      ['cats', 'done'],
      ['stop', 'done'],
      ['x', 'done'],
    ]);
    // Two per call: cats and stop done; x lost twice with its worker, then done by the third one.
    expect(teacher.calls).toEqual([['cats', 'stop'], ['x'], ['x'], ['x']]);
    expect(critiques.sort()).toEqual(['cats', 'stop', 'x']); // each critique stored once
  });

  it('stops after 3 fresh teacher workers in one run, with the reason on the waiting images', async () => {
    const { critic, addCard, items, teacher, store } = setup();
    await critic.ready;
    addCard('cats', 'A dog.');
    teacher.failWith = Object.assign(new Error('The teacher worker stopped.'), {
      name: 'WorkerCrashedError',
    });
    critic.start();
    await critic.settled();
    expect(teacher.calls).toHaveLength(4);
    expect(items()['cats']).toMatchObject({ status: 'failed', error: { name: 'WorkerCrashedError' } });
    expect(store.getState().critic.run.error?.name).toBe('WorkerCrashedError');
  });

  it('never goes idle with images waiting: when the teacher fails, the images after the batch fail too', async () => {
    const { critic, addCard, items, teacher, store } = setup();
    await critic.ready;
    for (const id of ['cats', 'stop', 'x']) addCard(id, 'A dog.');
    teacher.failWith = Object.assign(new Error('no detector'), { name: 'TeacherLoadError' });
    expect(critic.start()).toBe(3);
    await critic.settled();
    expect(teacher.calls).toEqual([['cats', 'stop']]); // two per teacher call: 'x' was never sent
    expect(store.getState().critic.run.state).toBe('idle');
    expect(Object.values(items()).map((i) => [i.imageId, i.status, i.error?.name])).toEqual([
      ['cats', 'failed', 'TeacherLoadError'],
      ['stop', 'failed', 'TeacherLoadError'],
      ['x', 'failed', 'TeacherLoadError'],
    ]);
    // Refine captions tries them again, with a teacher that works now.
    teacher.failWith = null;
    expect(critic.start()).toBe(3);
    await critic.settled();
    expect(Object.values(items()).every((i) => i.status === 'done')).toBe(true);
  });

  it('starts an image queued while the run winds down (after its last look at the queue)', async () => {
    const { critic, addCard, items, teacher, store } = setup();
    await critic.ready;
    addCard('cats', 'A dog.');
    addCard('stop', 'A stop sign.');
    let late = false;
    const unsubscribe = store.subscribe((s, prev) => {
      // The moment the run says idle, its loop has left the queue but the runner has not yet let go.
      if (!late && prev.critic.run.state !== 'idle' && s.critic.run.state === 'idle') {
        late = true;
        expect(critic.start(['stop'])).toBe(1);
      }
    });
    critic.start(['cats']);
    await critic.settled();
    unsubscribe();
    expect(late).toBe(true);
    expect(items()['stop']!.status).toBe('done');
    expect(store.getState().critic.run.state).toBe('idle');
    expect(teacher.calls).toEqual([['cats'], ['stop']]);
  });
});
