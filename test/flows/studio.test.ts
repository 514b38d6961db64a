import { afterEach, describe, expect, it } from 'vitest';
import { createStudio, type Studio } from '../../src/flows/studio';
import { DEFAULT_MODEL_ID, modelLabel } from '../../src/state/slices/settings';
import { createStudioStore } from '../../src/state/store';
import { FakeImageStore, FakeIngest, FakeStudent, incoming, memoryKv, tick, until } from './fakes';

const studios: Studio[] = [];
afterEach(() => {
  for (const studio of studios.splice(0)) studio.dispose();
});

function setup(
  options: { kv?: ReturnType<typeof memoryKv>; images?: FakeImageStore; batchesPerCall?: number } = {},
) {
  const kv = options.kv ?? memoryKv();
  const state = createStudioStore(kv);
  const ingest = new FakeIngest();
  const images = options.images ?? new FakeImageStore();
  const student = new FakeStudent();
  const studio = createStudio({
    store: state.api,
    hydrated: state.hydrated,
    flush: state.flush,
    ingest,
    images,
    student,
    batchesPerCall: options.batchesPerCall ?? 1,
  });
  studios.push(studio);
  const cards = () => studio.store.getState().order.map((id) => studio.store.getState().cards[id]!);
  return { kv, state, ingest, images, student, studio, cards };
}

describe('studio pipeline (fake workers)', () => {
  it('turns files into cards, one per content, each bad file with its own error, and captions the images', async () => {
    const { studio, images, cards } = setup();
    studio.store.getState().setGeneration({ batchSize: 2, maxNewTokens: 3 });
    await studio.addFiles([
      incoming('a.png', 'IMG 40x30 a'),
      incoming('notes.txt', 'TXT just text'),
      incoming('b.png', 'IMG 50x20 b'),
      incoming('copy-of-a.png', 'IMG 40x30 a'), // same bytes as a.png
      incoming('empty.jpg', ''),
      incoming('c.png', 'IMG 200x100 c'),
    ]);
    await studio.settled();
    expect(cards().map((c) => [c.name, c.status, c.caption ?? c.error?.name])).toEqual([
      ['a.png', 'captioned', 'image 40x30 by greedy'],
      ['notes.txt', 'failed', 'NotAnImageError'],
      ['b.png', 'captioned', 'image 50x20 by greedy'],
      ['empty.jpg', 'failed', 'EmptyFileError'],
      ['c.png', 'captioned', 'image 200x100 by greedy'],
    ]);
    expect(cards().find((c) => c.name === 'c.png')?.warnings).toEqual(['downscaled from 200×100']);
    expect(images.captions.map((c) => c.text)).toEqual([
      'image 40x30 by greedy',
      'image 50x20 by greedy',
      'image 200x100 by greedy',
    ]);
    // Runs start as images arrive, so how many runs there were depends on timing; the last one is complete.
    const run = studio.store.getState().run;
    expect([run.state, run.completed === run.total, run.fraction]).toEqual(['idle', true, 1]);

    // Dropping the same image again later changes nothing.
    await studio.addFiles([incoming('again.png', 'IMG 50x20 b')]);
    await studio.settled();
    expect(cards()).toHaveLength(5);
  });

  it('batches: calls of batchSize × batchesPerCall images, batches of batchSize inside', async () => {
    const { studio, student } = setup({ batchesPerCall: 2 });
    studio.store.getState().setGeneration({ batchSize: 2, maxNewTokens: 1 });
    await studio.addFiles([1, 2, 3, 4, 5].map((i) => incoming(`${i}.png`, `IMG ${i}x${i}`)));
    await studio.settled();
    // The first image starts a run alone (it arrives first); the rest queue up and go in calls of up to 4.
    const sizes = student.calls.map((c) => c.ids.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(student.calls.every((c) => c.settings.batchSize === 2 && c.settings.minNewTokens === 0)).toBe(
      true,
    );
  });

  it('pause stops progress until resume; the run then finishes', async () => {
    const { studio, student, cards } = setup();
    studio.store.getState().setGeneration({ batchSize: 1, maxNewTokens: 20 });
    const adding = studio.addFiles([incoming('a.png', 'IMG 1x1'), incoming('b.png', 'IMG 2x2')]);
    await until(() => student.steps >= 2);
    studio.pause();
    expect(studio.store.getState().run.paused).toBe(true);
    await tick(10);
    const stepsWhenPaused = student.steps;
    await tick(30);
    expect(student.steps).toBe(stepsWhenPaused);
    expect(cards().some((c) => c.status === 'captioned' && c.name === 'b.png')).toBe(false);
    studio.resume();
    await adding;
    await studio.settled();
    expect(cards().map((c) => c.status)).toEqual(['captioned', 'captioned']);
    expect(studio.store.getState().run.paused).toBe(false);
  });

  it('cancel ends the run: finished captions stay, the rest is cancelled until captioned again', async () => {
    const { studio, student, cards } = setup();
    studio.store.getState().setGeneration({ batchSize: 1, maxNewTokens: 5 });
    await studio.addFiles([1, 2, 3, 4].map((i) => incoming(`${i}.png`, `IMG ${i}x${i}`)));
    await until(() => cards().filter((c) => c.status === 'captioned').length >= 1);
    studio.cancel();
    await studio.settled();
    const statuses = cards().map((c) => c.status);
    expect(statuses.filter((s) => s === 'captioned').length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 'cancelled').length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 'captioned' || s === 'cancelled')).toBe(true);
    expect(studio.store.getState().run.state).toBe('idle');
    const callsBefore = student.calls.length;

    studio.captionAgain(
      cards()
        .filter((c) => c.status === 'cancelled')
        .map((c) => c.id),
    );
    await studio.settled();
    expect(cards().map((c) => c.status)).toEqual(['captioned', 'captioned', 'captioned', 'captioned']);
    expect(student.calls.length).toBeGreaterThan(callsBefore);
  });

  it('a reload resumes unfinished work from the stored files, and keeps a paused studio paused', async () => {
    const kv = memoryKv();
    const images = new FakeImageStore();
    const first = setup({ kv, images });
    first.studio.store.getState().setGeneration({ batchSize: 1, maxNewTokens: 50 });
    first.student.stepMs = 5;
    const adding = first.studio.addFiles([incoming('a.png', 'IMG 3x3'), incoming('b.png', 'IMG 4x4')]);
    await until(() => first.student.steps >= 1);
    first.studio.pause();
    await adding;
    await first.state.flush();
    first.studio.dispose();

    // "Reload": a new store over the same storage, a fresh student.
    const second = setup({ kv, images });
    await second.studio.ready;
    expect(second.cards().map((c) => c.status)).toEqual(['queued', 'queued']);
    expect(second.studio.store.getState().run.paused).toBe(true);
    await tick(20);
    expect(second.student.calls).toHaveLength(0); // paused: nothing runs until the user resumes
    second.studio.resume();
    await second.studio.settled();
    expect(second.cards().map((c) => c.caption)).toEqual(['image 3x3 by greedy', 'image 4x4 by greedy']);
    expect(second.ingest.decodes).toEqual(['a.png', 'b.png']); // pixels decoded again from the stored files
  });

  it('a full disk: the card works in this tab, the banner names it, a reload does not show it', async () => {
    const kv = memoryKv();
    const images = new FakeImageStore();
    const first = setup({ kv, images });
    await first.studio.addFiles([incoming('kept.png', 'IMG 2x2')]);
    images.full = true;
    await first.studio.addFiles([incoming('big.png', 'IMG 9x9')]);
    await first.studio.settled();
    const big = first.cards().find((c) => c.name === 'big.png')!;
    expect([big.status, big.saved, big.caption]).toEqual(['captioned', false, 'image 9x9 by greedy']);
    expect(first.studio.store.getState().storageProblem?.what).toEqual(['image "big.png" (1 KB)']);
    expect(images.captions.map((c) => c.text)).toEqual(['image 2x2 by greedy']); // nothing saved for big.png

    const second = setup({ kv, images });
    await second.studio.ready;
    expect(second.cards().map((c) => c.name)).toEqual(['kept.png']);
  });

  it('the same photo dropped again under another name stays one card that says so, once per name', async () => {
    const { studio, cards, ingest } = setup();
    await studio.addFiles([incoming('a.png', 'IMG 4x3 a'), incoming('b.png', 'IMG 5x3 b')]);
    await studio.addFiles([
      incoming('copy of a.png', 'IMG 4x3 a'),
      incoming('a.png', 'IMG 4x3 a'), // the same name again says nothing new
      incoming('copy of a.png', 'IMG 4x3 a'),
    ]);
    await studio.settled();
    expect(cards().map((c) => [c.name, c.status, c.warnings])).toEqual([
      ['a.png', 'captioned', ['also dropped as "copy of a.png"']],
      ['b.png', 'captioned', []],
    ]);
    expect(ingest.decodes.filter((n) => n.includes('copy'))).toEqual([]); // never decoded again
  });

  it('a worker crash restarts the call once; a second crash stops the run with the error, cards stay queued', async () => {
    const crash = () =>
      Object.assign(new Error('The student worker stopped.'), { name: 'WorkerCrashedError' });
    const once = setup();
    once.student.failures = [crash()];
    await once.studio.addFiles([incoming('a.png', 'IMG 1x1')]);
    await once.studio.settled();
    expect(once.cards()[0]?.status).toBe('captioned');
    expect(once.studio.store.getState().run.error).toBeNull();

    const twice = setup();
    twice.student.failures = [crash(), crash()];
    await twice.studio.addFiles([incoming('a.png', 'IMG 1x1')]);
    await twice.studio.settled();
    expect(twice.cards()[0]?.status).toBe('queued');
    expect(twice.studio.store.getState().run.error).toEqual({
      name: 'WorkerCrashedError',
      message: 'The student worker stopped.',
    });
  });

  it('a model load failure stops the run without retrying; the cards wait for a new setting', async () => {
    const { studio, student, cards } = setup();
    student.failures = [Object.assign(new Error("model 'x/y' not found"), { name: 'ModelLoadError' })];
    await studio.addFiles([incoming('a.png', 'IMG 1x1')]);
    await studio.settled();
    expect(cards()[0]?.status).toBe('queued');
    expect(studio.store.getState().run.error?.name).toBe('ModelLoadError');
    studio.store.getState().setModel({ kind: 'id', modelId: 'tiny-random/vit-gpt2' });
    expect(student.invalidations).toBe(1);
    studio.captionAgain();
    await studio.settled();
    expect(cards()[0]?.status).toBe('captioned');
  });

  it('a model change picks up the cards a load failure left waiting at once, and clears the stale error', async () => {
    const { studio, student, cards } = setup();
    // Like the hub offline: every load of the default model fails; the local one loads.
    const caption = student.caption.bind(student);
    student.caption = (...args) =>
      modelLabel(studio.store.getState().settings.model) === DEFAULT_MODEL_ID
        ? Promise.reject(
            Object.assign(
              new Error(`model '${DEFAULT_MODEL_ID}' is not in the app and the hub cannot be reached`),
              {
                name: 'ModelUnavailableError',
              },
            ),
          )
        : caption(...args);
    await studio.addFiles([incoming('a.png', 'IMG 1x1'), incoming('b.png', 'IMG 2x2')]);
    await studio.settled();
    expect(cards().map((c) => c.status)).toEqual(['queued', 'queued']);
    expect(studio.store.getState().run.error?.name).toBe('ModelUnavailableError');

    // No Resume, no "caption again": choosing another model is enough.
    studio.store.getState().setModel({ kind: 'id', modelId: 'tiny-random/vit-gpt2' });
    expect(studio.store.getState().run.error).toBeNull();
    await studio.settled();
    expect(cards().map((c) => c.status)).toEqual(['captioned', 'captioned']);
    expect(studio.store.getState().run).toMatchObject({ state: 'idle', error: null });
  });

  it('a model change with nothing waiting clears the stale error of the old model', async () => {
    const { studio, student, cards } = setup();
    student.failures = [Object.assign(new Error('not here'), { name: 'ModelUnavailableError' })];
    await studio.addFiles([incoming('a.png', 'IMG 1x1')]);
    await studio.settled();
    studio.cancel();
    expect(cards()[0]?.status).toBe('cancelled');
    expect(studio.store.getState().run.error?.name).toBe('ModelUnavailableError');
    studio.store.getState().setDevice('wasm');
    expect(studio.store.getState().run.error).toBeNull();
    await studio.settled();
    expect(cards()[0]?.status).toBe('cancelled');
  });

  it('a model change while the old model is still loading: its failure does not stop the run, the new one captions', async () => {
    const { studio, student, cards } = setup();
    let failLoad: (error: Error) => void = () => {};
    const loading = new Promise<never>((_, reject) => (failLoad = reject));
    const caption = student.caption.bind(student);
    let calls = 0;
    student.caption = (...args) => (++calls === 1 ? loading : caption(...args));
    await studio.addFiles([incoming('a.png', 'IMG 1x1')]);
    await until(() => calls === 1);

    studio.store.getState().setModel({ kind: 'id', modelId: 'tiny-random/vit-gpt2' });
    failLoad(Object.assign(new Error('hub unreachable'), { name: 'ModelUnavailableError' }));
    await studio.settled();
    expect(cards()[0]?.status).toBe('captioned');
    expect(studio.store.getState().run.error).toBeNull();
  });

  it('remove deletes the card and its stored file', async () => {
    const { studio, images, cards } = setup();
    await studio.addFiles([incoming('a.png', 'IMG 1x1'), incoming('b.png', 'IMG 2x2')]);
    await studio.settled();
    const a = cards()[0]!;
    await studio.remove(a.id);
    expect(cards().map((c) => c.name)).toEqual(['b.png']);
    expect(images.files.has(a.id)).toBe(false);
  });
});
