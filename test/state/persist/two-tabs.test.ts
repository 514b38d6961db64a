import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { idbKeyValue } from '../../../src/state/persist/idb';
import { PERSIST_KEY, PERSIST_VERSION } from '../../../src/state/persist/schema';
import type { ImageCard } from '../../../src/state/slices/ingest';
import { createStudioStore } from '../../../src/state/store';
import { FakeChannelHub } from '../../support/fake-tabs';

let dbCount = 0;
/** One IndexedDB database that several "tabs" (stores) open, as two tabs of one origin do. */
function sharedDatabase() {
  dbCount += 1;
  const name = `capgrad-ui-two-tabs-${dbCount}`;
  return () => idbKeyValue(name, 'state');
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

async function open(kv: ReturnType<ReturnType<typeof sharedDatabase>>, hub?: FakeChannelHub) {
  const store = createStudioStore(kv, hub === undefined ? {} : { channel: hub.channel() });
  await store.hydrated;
  return store;
}

const ids = (store: Awaited<ReturnType<typeof open>>) => store.api.getState().order;
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

describe('two tabs, one database: a stale copy cannot erase or roll back', () => {
  it('the issue: the busy tab keeps writing its copy; the photos the other tab added survive a reload of both', async () => {
    const db = sharedDatabase();
    const a = await open(db());
    for (let i = 0; i < 21; i++) a.api.getState().addCard(card(`a${i}`, { addedAt: 1 }));
    await a.flush();
    // Tab B opens while A captions; no channel here: A never hears of B's photos (the worst case).
    const b = await open(db());
    b.api.getState().addCard(card('b-photo-1', { addedAt: 2 }));
    b.api.getState().addCard(card('b-photo-2', { addedAt: 2 }));
    await b.flush();
    // A goes on captioning with its old copy of the state, writing after B did.
    for (let i = 0; i < 21; i++) {
      a.api.getState().updateCard(`a${i}`, { status: 'captioned', caption: `caption ${i}` });
      await a.flush();
    }
    const reloadedA = await open(db());
    const reloadedB = await open(db());
    for (const tab of [reloadedA, reloadedB]) {
      expect(ids(tab)).toHaveLength(23);
      expect(ids(tab).slice(-2)).toEqual(['b-photo-1', 'b-photo-2']);
      expect(tab.api.getState().cards['a20']?.caption).toBe('caption 20');
    }
  });

  it("a tab writing a record over another tab's newer revision is refused and takes the stored one", async () => {
    const db = sharedDatabase();
    const a = await open(db());
    a.api.getState().addCard(card('x'));
    await a.flush();
    const b = await open(db());
    b.api.getState().updateCard('x', { status: 'captioned', caption: 'from b' });
    await b.flush();
    // A's copy of x is old: its change of x must not roll back B's caption.
    a.api.getState().updateCard('x', { status: 'failed', error: { name: 'Old', message: 'stale' } });
    await a.flush();
    expect(a.api.getState().cards['x']?.caption).toBe('from b'); // A now shows what is stored
    expect(a.api.getState().cards['x']?.status).toBe('captioned');
    const reloaded = await open(db());
    expect(reloaded.api.getState().cards['x']).toMatchObject({ status: 'captioned', caption: 'from b' });
  });

  it('a removal is not undone by a tab that still shows the card, and a tab cannot delete what it never saw', async () => {
    const db = sharedDatabase();
    const a = await open(db());
    a.api.getState().addCard(card('keep'));
    a.api.getState().addCard(card('gone'));
    await a.flush();
    const b = await open(db());
    a.api.getState().removeCard('gone');
    a.api.getState().addCard(card('late', { addedAt: 5 }));
    await a.flush();
    b.api.getState().setGeneration({ maxNewTokens: 9 }); // B writes, holding 'gone' and lacking 'late'
    await b.flush();
    const reloaded = await open(db());
    expect(ids(reloaded)).toEqual(['keep', 'late']);
    expect(reloaded.api.getState().settings.generation.maxNewTokens).toBe(9);
  });

  it('what a tab adds reaches the other open tab (channel: the other tab reads the changed records)', async () => {
    const db = sharedDatabase();
    const hub = new FakeChannelHub();
    const a = await open(db(), hub);
    const b = await open(db(), hub);
    let remote = 0;
    a.onRemoteChange(() => (remote += 1));
    b.api.getState().addCard(card('from-b', { status: 'queued' }));
    await b.flush();
    await settle();
    expect(ids(a)).toEqual(['from-b']);
    expect(remote).toBeGreaterThan(0); // the owner tab is told: it kicks its caption runner
    a.api.getState().updateCard('from-b', { status: 'captioned', caption: 'a dog' });
    await a.flush();
    await settle();
    expect(b.api.getState().cards['from-b']).toMatchObject({ status: 'captioned', caption: 'a dog' });
    // Neither echoes the other's write back: the records stay at the revision their writer gave them.
    const writesBefore = JSON.stringify(await db().get('card/from-b'));
    await a.flush();
    await b.flush();
    expect(JSON.stringify(await db().get('card/from-b'))).toBe(writesBefore);
  });

  it('reads the old one-key layout (version 1), keeps every card in order, and then writes per record', async () => {
    const db = sharedDatabase();
    const kv = db();
    const old = {
      version: 1,
      state: {
        cards: {
          b: card('b', { status: 'captioned', caption: 'a cat', width: 4, height: 3 }),
          a: card('a', { status: 'captioning' }),
        },
        order: ['b', 'a'],
        settings: {
          model: { kind: 'id', modelId: 'tiny-random/vit-gpt2' },
          device: 'wasm',
          generation: { maxNewTokens: 5 },
        },
        paused: true,
      },
    };
    await kv.set(PERSIST_KEY, JSON.stringify(old));
    const first = await open(kv);
    const s = first.api.getState();
    expect(s.order).toEqual(['b', 'a']);
    expect(s.cards['b']?.caption).toBe('a cat');
    expect(s.cards['a']?.status).toBe('queued'); // interrupted work comes back queued, as before
    expect(s.settings.device).toBe('wasm');
    expect(s.run.paused).toBe(true);
    expect(await kv.get(PERSIST_KEY)).toBeUndefined(); // migrated once: the records are the truth now
    expect(await kv.get('layout')).toEqual({ layout: 2, version: PERSIST_VERSION });
    expect(await kv.get('card/b')).toMatchObject({ rev: 1, value: { caption: 'a cat' } });
    const again = await open(db());
    expect(ids(again)).toEqual(['b', 'a']);
  });

  it("checkpoint rows are records of their own: two tabs adding and removing rows keep each other's", async () => {
    const db = sharedDatabase();
    const hub = new FakeChannelHub();
    const a = await open(db(), hub);
    const b = await open(db(), hub);
    a.api.getState().patchTraining({ checkpoints: [row('r1-10', 1), row('r1-20', 2)] });
    await a.flush();
    await settle();
    // B has not heard yet (no channel message handled in between for A's next change): A removes a row and
    // adds one while B, holding its own copy, adds another.
    a.api.getState().patchTraining({ checkpoints: [row('r1-20', 2), row('r1-30', 3)] });
    b.api.getState().patchTraining({
      checkpoints: [...b.api.getState().training.checkpoints, row('r2-5', 4)],
    });
    await Promise.all([a.flush(), b.flush()]);
    await settle();
    const expected = ['r1-20', 'r1-30', 'r2-5'];
    const rowIds = (tab: Awaited<ReturnType<typeof open>>) =>
      tab.api.getState().training.checkpoints.map((r) => r.id);
    expect(rowIds(a)).toEqual(expected);
    expect(rowIds(b)).toEqual(expected);
    expect(rowIds(await open(db()))).toEqual(expected);
    expect(await db().get('training/checkpoints')).toBeUndefined();
  });

  it('reads the rows the first per-record layout stored as one field, then stores them per row', async () => {
    const db = sharedDatabase();
    const kv = db();
    await kv.set('layout', { layout: 2, version: PERSIST_VERSION });
    await kv.set('training/checkpoints', { rev: 3, value: [row('old-1', 1), row('old-2', 2)] });
    const first = await open(kv);
    expect(first.api.getState().training.checkpoints.map((r) => r.id)).toEqual(['old-1', 'old-2']);
    first.api.getState().setGeneration({ maxNewTokens: 7 }); // any write moves the rows to their records
    await first.flush();
    expect(await kv.get('training/checkpoints')).toMatchObject({ value: null }); // deleted, revision kept
    expect(await kv.get('training/checkpoint/old-2')).toMatchObject({ value: { id: 'old-2' } });
    const again = await open(db());
    expect(again.api.getState().training.checkpoints.map((r) => r.id)).toEqual(['old-1', 'old-2']);
  });
});

function row(id: string, createdAt: number) {
  return {
    id,
    runId: id.split('-')[0]!,
    round: 0,
    step: createdAt * 10,
    epoch: 0,
    kind: 'interval' as const,
    createdAt,
    byteLength: 100,
    loss: null,
  };
}
