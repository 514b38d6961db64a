import { afterEach, describe, expect, it } from 'vitest';
import { TabOwner } from '../../src/lib/core/tabs/tab-owner';
import { createStudio, type Studio } from '../../src/flows/studio';
import { createStudioStore } from '../../src/state/store';
import { FakeChannelHub, FakeLocks } from '../support/fake-tabs';
import type { KeyValue } from '../../src/state/persist/key-value';
import { FakeImageStore, FakeIngest, FakeStudent, incoming, memoryKv, until } from './fakes';

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
});

/** One browser: one database, one image store, one lock, two channels; each tab has its own workers. */
function browser() {
  const kv = memoryKv();
  const images = new FakeImageStore();
  const locks = new FakeLocks();
  const records = new FakeChannelHub();
  const owners = new FakeChannelHub();
  const tab = () => {
    // A closed tab writes nothing more: from `kill()` on, its writes to the state never complete, and its
    // image store writes stop a moment later (what it had already issued still lands, as in a browser).
    const life = {
      stateDead: false,
      imagesDead: false,
      /** Called after each of this tab's state writes is stored. */
      afterWrite: (): void => {},
    };
    const never = new Promise<never>(() => {});
    const tabKv: KeyValue = {
      ...kv,
      set: (key, value) => (life.stateDead ? never : kv.set(key, value)),
      del: (key) => (life.stateDead ? never : kv.del(key)),
      updateMany: (keys, change) =>
        life.stateDead ? never : kv.updateMany(keys, change).then(() => life.afterWrite()),
    };
    const tabImages = new Proxy(images, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          life.imagesDead ? never : (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    });
    const channel = records.channel();
    const state = createStudioStore(tabKv, { channel });
    const student = new FakeStudent();
    student.stepMs = 2;
    let studio: Studio | null = null;
    const owner = new TabOwner({
      locks: locks.manager(),
      channel: owners.channel(),
      lockName: 'capgrad-studio',
      stopWork: () => studio!.handOver(),
    });
    studio = createStudio({
      store: state.api,
      hydrated: state.hydrated,
      flush: state.flush,
      ingest: new FakeIngest(),
      images: tabImages,
      student,
      owner,
      onRemoteChange: state.onRemoteChange,
      resync: state.resync,
      batchesPerCall: 1,
    });
    disposers.push(() => (studio!.dispose(), owner.dispose(), state.dispose()));
    const statuses = () => {
      const s = studio!.store.getState();
      return s.order.map((id) => `${s.cards[id]!.name}:${s.cards[id]!.status}`);
    };
    return {
      studio,
      student,
      owner,
      statuses,
      close: () => (studio!.dispose(), owner.dispose(), state.dispose(), channel.close()),
      kill: () => {
        life.stateDead = true;
        queueMicrotask(() => (life.imagesDead = true));
      },
      /** Closes the tab right after a state write for which `when` holds: before anything else is written. */
      killAfterWrite: (when: () => boolean) => {
        life.afterWrite = () => {
          if (!when()) return;
          life.stateDead = true;
          life.imagesDead = true;
        };
      },
    };
  };
  return { tab, kv, images, records };
}

const photos = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => incoming(`${prefix}${i}.png`, `IMG ${10 + i}x8 ${prefix}${i}`));
const allCaptioned = (statuses: string[], n: number) =>
  statuses.length === n && statuses.every((s) => s.endsWith(':captioned'));

describe('two tabs of one studio (fake locks, channels and workers)', () => {
  it('photos dropped in the idle tab while the other captions are captioned by the owner, once, and reach both tabs', async () => {
    const { tab } = browser();
    const a = tab();
    a.studio.store.getState().setGeneration({ batchSize: 2, maxNewTokens: 4 });
    await a.studio.ready;
    void a.studio.addFiles(photos('a', 8));
    await until(() => a.studio.store.getState().run.state === 'running');
    const b = tab();
    await b.studio.ready;
    expect(b.owner.state.role).toBe('follower');
    await b.studio.addFiles(photos('b', 2));
    await until(() => allCaptioned(a.statuses(), 10) && allCaptioned(b.statuses(), 10), 5000);
    // Only the owner's student ran; the follower never showed a run it was not making.
    expect(b.student.calls).toEqual([]);
    expect(b.studio.store.getState().run.state).toBe('idle');
    const captioned = a.student.calls.flatMap((c) => c.ids);
    expect(new Set(captioned).size).toBe(captioned.length);
    // Both tabs reload: every photo is there, once, captioned.
    await a.studio.settled();
    a.close();
    b.close();
    const reloaded = tab();
    await reloaded.studio.ready;
    expect(reloaded.statuses()).toHaveLength(10);
    expect(allCaptioned(reloaded.statuses(), 10)).toBe(true);
  });

  it('"Take over": the owner stops, its unfinished photos go back to the queue, the new owner captions them', async () => {
    const { tab } = browser();
    const a = tab();
    a.studio.store.getState().setGeneration({ batchSize: 1, maxNewTokens: 20 });
    await a.studio.ready;
    void a.studio.addFiles(photos('a', 6));
    await until(() => a.statuses().filter((s) => s.endsWith(':captioned')).length >= 1);
    const b = tab();
    await b.studio.ready;
    b.owner.askTakeover();
    await until(() => b.owner.state.role === 'owner');
    expect(a.owner.state.role).toBe('follower');
    expect(a.studio.store.getState().run.state).toBe('idle');
    expect(a.statuses().some((s) => s.endsWith(':cancelled'))).toBe(false);
    await until(() => allCaptioned(b.statuses(), 6) && allCaptioned(a.statuses(), 6), 5000);
    const callsAfter = a.student.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(a.student.calls.length).toBe(callsAfter); // the old owner started nothing after handing over
  });

  it('when the owner tab closes, the other tab takes the waiting work over by itself', async () => {
    const { tab } = browser();
    const a = tab();
    a.studio.store.getState().setGeneration({ batchSize: 1, maxNewTokens: 20 });
    await a.studio.ready;
    const b = tab();
    await b.studio.ready;
    await b.studio.addFiles(photos('b', 3));
    a.studio.pause(); // the owner sits on the queue (paused), then its tab closes
    await a.studio.handOver();
    a.close();
    b.studio.resume();
    await until(() => allCaptioned(b.statuses(), 3), 5000);
    expect(b.owner.state.role).toBe('owner');
  });

  it('the owner tab closed mid-captioning: the other tab captions the rest; every photo once, none lost, no caption stored twice', async () => {
    const { tab, kv, images } = browser();
    const a = tab();
    a.studio.store.getState().setGeneration({ batchSize: 1, maxNewTokens: 8 });
    await a.studio.ready;
    const b = tab();
    await b.studio.ready;
    a.studio.pause(); // every photo stored first; then captioning starts
    await a.studio.addFiles(photos('a', 6));
    await until(() => b.statuses().length === 6); // stored: the other tab has read them
    a.studio.resume();
    // The tab closes the moment its third caption is on its card, before the card's record is written.
    let storedAtClose: string[] | null = null;
    let callsAtClose = 0;
    a.studio.store.subscribe((s) => {
      if (storedAtClose !== null || s.order.filter((id) => s.cards[id]?.status === 'captioned').length < 3)
        return;
      callsAtClose = a.student.calls.length;
      storedAtClose = [...kv.data]
        .filter(
          ([key, r]) =>
            key.startsWith('card/') && (r as { value?: { status?: string } }).value?.status === 'captioned',
        )
        .map(([key]) => key.slice('card/'.length));
      a.kill();
    });
    await until(() => storedAtClose !== null, 5000);
    a.close();
    await until(() => b.owner.state.role === 'owner');
    await until(() => allCaptioned(b.statuses(), 6), 5000);
    await b.studio.settled();
    const all = b.studio.store.getState().order;
    expect(storedAtClose).toHaveLength(2);
    // The new owner captioned exactly what was not stored: the third caption was lost with the tab, not kept.
    const byB = b.student.calls.flatMap((c) => c.ids);
    expect([...byB].sort()).toEqual(all.filter((id) => !storedAtClose!.includes(id)).sort());
    expect(callsAtClose).toBe(3);
    // Stored captions: each photo's history has its caption once (none from the closed tab's lost one).
    const history = images.captions.map((c) => c.id);
    expect([...history].sort()).toEqual([...all].sort());
    const reloaded = tab();
    await reloaded.studio.ready;
    expect(allCaptioned(reloaded.statuses(), 6)).toBe(true);
    expect(reloaded.student.calls).toEqual([]);
  });

  it("a tab that gets the lock before it hears the old owner's last writes reads the stored records first: nothing captioned twice", async () => {
    const { tab, records } = browser();
    const a = tab();
    a.studio.store.getState().setGeneration({ batchSize: 1, maxNewTokens: 4 });
    await a.studio.ready;
    const b = tab();
    await b.studio.ready;
    a.studio.pause();
    await a.studio.addFiles(photos('a', 4));
    await until(() => b.statuses().length === 4);
    records.hold(); // B hears nothing more until after it owns the work
    a.studio.resume();
    await until(() => allCaptioned(a.statuses(), 4));
    await a.studio.settled(); // stored
    expect(b.statuses().every((s) => s.endsWith(':queued'))).toBe(true);
    a.close();
    await until(() => b.owner.state.role === 'owner');
    await until(() => allCaptioned(b.statuses(), 4));
    records.release();
    await b.studio.settled();
    expect(b.student.calls).toEqual([]);
  });

  it("a tab closed between a card's stored caption and its history entry: the next owner writes the entry, and captions only the rest", async () => {
    const { tab, kv, images } = browser();
    const a = tab();
    a.studio.store.getState().setGeneration({ batchSize: 1, maxNewTokens: 8 });
    await a.studio.ready;
    const b = tab();
    await b.studio.ready;
    a.studio.pause();
    await a.studio.addFiles(photos('a', 6));
    await until(() => b.statuses().length === 6);
    const storedCaptioned = () =>
      [...kv.data]
        .filter(
          ([key, r]) =>
            key.startsWith('card/') && (r as { value?: { status?: string } }).value?.status === 'captioned',
        )
        .map(([key]) => key.slice('card/'.length));
    let stored: string[] = [];
    a.killAfterWrite(() => (stored = storedCaptioned()).length === 3);
    a.studio.resume();
    await until(() => stored.length === 3, 5000);
    a.close();
    expect(images.captions).toHaveLength(2); // the third card is stored, its history entry is not
    await until(() => b.owner.state.role === 'owner');
    await until(() => allCaptioned(b.statuses(), 6), 5000);
    await b.studio.settled();
    await until(() => images.captions.length === 6);
    const all = b.studio.store.getState().order;
    expect(images.captions.map((c) => c.id).sort()).toEqual([...all].sort());
    expect(b.student.calls.flatMap((c) => c.ids).sort()).toEqual(
      all.filter((id) => !stored.includes(id)).sort(),
    );
  });
});
