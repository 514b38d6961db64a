import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { idbKeyValue } from '../../src/state/persist/idb';
import { STORAGE_FULL_MESSAGE } from '../../src/state/persist/not-saved';
import { PERSIST_KEY, PERSIST_VERSION } from '../../src/state/persist/schema';
import type { KeyValue } from '../../src/state/persist/key-value';
import type { ImageCard } from '../../src/state/slices/ingest';
import { createStudioStore } from '../../src/state/store';

let dbCount = 0;
/** A fresh IndexedDB database per test (fake-indexeddb keeps them for the whole file). */
function freshKv(): KeyValue {
  dbCount += 1;
  return idbKeyValue(`capgrad-ui-test-${dbCount}`, 'state');
}

function card(id: string, patch: Partial<ImageCard> = {}): ImageCard {
  return {
    id,
    name: `${id}.jpg`,
    byteLength: 1000,
    status: 'queued',
    warnings: [],
    addedAt: 1,
    saved: true,
    ...patch,
  };
}

/** Counts writes and can be told to fail them, like a full disk. */
function instrumented(kv: KeyValue) {
  const log = { writes: 0, failWith: null as Error | null };
  const wrapped: KeyValue = {
    get: (key) => kv.get(key),
    del: (key) => kv.del(key),
    keys: () => kv.keys(),
    getMany: (keys) => kv.getMany(keys),
    set: async (key, value) => {
      log.writes++;
      if (log.failWith) throw log.failWith;
      await kv.set(key, value);
    },
    updateMany: async (keys, change) => {
      log.writes++;
      if (log.failWith) throw log.failWith;
      await kv.updateMany(keys, change);
    },
  };
  return { kv: wrapped, log };
}

describe('studio store persistence (idb-keyval over fake-indexeddb)', () => {
  it('a reload shows the same cards, order, captions and settings', async () => {
    const kv = freshKv();
    const first = createStudioStore(kv);
    await first.hydrated;
    const s = first.api.getState();
    s.addCard(card('b', { status: 'captioned', caption: 'a cat on a couch', width: 640, height: 480 }));
    s.addCard(card('a', { status: 'failed', error: { name: 'TruncatedImageError', message: 'cut off' } }));
    s.setGeneration({ strategy: 'beam', numBeams: 4, maxNewTokens: 12, batchSize: 2 });
    s.setDevice('wasm');
    s.setModel({ kind: 'id', modelId: '  tiny-random/vit-gpt2  ' });
    await first.flush();

    const second = createStudioStore(kv);
    await second.hydrated;
    const t = second.api.getState();
    expect(t.order).toEqual(['b', 'a']);
    expect(t.cards['b']).toEqual(first.api.getState().cards['b']);
    expect(t.cards['a']?.error).toEqual({ name: 'TruncatedImageError', message: 'cut off' });
    expect(t.settings).toEqual({
      model: { kind: 'id', modelId: 'tiny-random/vit-gpt2' },
      device: 'wasm',
      generation: { strategy: 'beam', numBeams: 4, maxNewTokens: 12, batchSize: 2 },
    });
  });

  it('interrupted work comes back queued; unsaved and still-ingesting cards do not come back', async () => {
    const kv = freshKv();
    const first = createStudioStore(kv);
    await first.hydrated;
    const s = first.api.getState();
    s.addCard(card('running', { status: 'captioning' }));
    s.addCard(card('unsaved', { saved: false }));
    s.addCard(card('ingesting', { status: 'ingesting' }));
    s.setPaused(true);
    await first.flush();

    const second = createStudioStore(kv);
    await second.hydrated;
    const t = second.api.getState();
    expect(t.order).toEqual(['running']);
    expect(t.cards['running']?.status).toBe('queued');
    expect(t.run.paused).toBe(true);
  });

  it('writes behind: a burst of changes costs few writes, identical snapshots none', async () => {
    const { kv, log } = instrumented(freshKv());
    const store = createStudioStore(kv);
    await store.hydrated;
    await store.flush();
    const before = log.writes;
    const s = store.api.getState();
    s.addCard(card('x'));
    for (let i = 0; i < 200; i++) s.updateCard('x', { caption: `step ${i}` });
    await store.flush();
    // The first write starts at once; everything after it collapses into one write of the newest state.
    expect(log.writes - before).toBeLessThanOrEqual(2);
    const progressOnly = log.writes;
    for (let i = 0; i < 50; i++)
      s.setProgress({ x: { stage: 'decoding', generatedTokens: i, maxNewTokens: 50 } });
    await store.flush();
    expect(log.writes).toBe(progressOnly); // progress is not persisted: nothing to write

    const again = createStudioStore(kv);
    await again.hydrated;
    expect(again.api.getState().cards['x']?.caption).toBe('step 199');
  });

  it('a full disk keeps the last good state and says what was not saved', async () => {
    const { kv, log } = instrumented(freshKv());
    const store = createStudioStore(kv);
    await store.hydrated;
    store.api.getState().addCard(card('kept', { caption: 'first caption' }));
    await store.flush();
    log.failWith = Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    store.api.getState().updateCard('kept', { caption: 'lost caption' });
    await store.flush();
    expect(store.api.getState().storageProblem).toEqual({
      what: ['captions and statuses since the last save'],
      message: STORAGE_FULL_MESSAGE,
    });
    const reloaded = createStudioStore(kv);
    await reloaded.hydrated;
    expect(reloaded.api.getState().cards['kept']?.caption).toBe('first caption');
  });

  it('never writes over a state saved by a newer studio', async () => {
    const kv = freshKv();
    const newer = JSON.stringify({
      state: { cards: {}, order: [], future: true },
      version: PERSIST_VERSION + 1,
    });
    await kv.set(PERSIST_KEY, newer);
    const store = createStudioStore(kv);
    await store.hydrated;
    store.api.getState().addCard(card('new'));
    await store.flush();
    expect(await kv.get(PERSIST_KEY)).toBe(newer);
    expect(store.api.getState().storageProblem?.message).toMatch(/newer than this studio/);
    expect(store.api.getState().order).toEqual(['new']); // the tab still works, in memory
  });

  it('damaged stored values fall back field by field instead of crashing the studio', async () => {
    const kv = freshKv();
    const damaged = {
      version: PERSIST_VERSION,
      state: {
        cards: { ok: card('ok'), bad: { id: 'bad', name: 3 }, other: card('other') },
        order: ['ok', 'bad', 'missing', 'ok', 'other', 7],
        settings: { device: 'quantum', generation: { maxNewTokens: 10_000, batchSize: -3, strategy: 'x' } },
        paused: 'yes',
      },
    };
    await kv.set(PERSIST_KEY, JSON.stringify(damaged));
    await kv.set('unrelated', 'x');
    const store = createStudioStore(kv);
    await store.hydrated;
    const s = store.api.getState();
    expect(s.order).toEqual(['ok', 'other']);
    expect(s.settings.device).toBe('auto');
    expect(s.settings.generation).toEqual({
      strategy: 'greedy',
      numBeams: 3,
      maxNewTokens: 128,
      batchSize: 1,
    });
    expect(s.run.paused).toBe(false);
  });

  it('a first visit (nothing saved) keeps what was set while loading', async () => {
    const store = createStudioStore(freshKv());
    store.api.getState().setGeneration({ batchSize: 7 });
    await store.hydrated;
    expect(store.api.getState().settings.generation.batchSize).toBe(7);
  });

  it('cards added before hydration finished are kept, after the saved ones', async () => {
    const kv = freshKv();
    const first = createStudioStore(kv);
    await first.hydrated;
    first.api.getState().addCard(card('saved'));
    await first.flush();
    const second = createStudioStore(kv);
    second.api.getState().addCard(card('early'));
    await second.hydrated;
    expect(second.api.getState().order).toEqual(['saved', 'early']);
  });
});
