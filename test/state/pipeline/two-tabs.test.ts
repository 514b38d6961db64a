import { afterEach, describe, expect, it } from 'vitest';
import { TabOwner } from '../../../src/lib/tabs/tab-owner';
import { createStudio, type Studio } from '../../../src/state/pipeline/studio';
import { createStudioStore } from '../../../src/state/store';
import { FakeChannelHub, FakeLocks } from '../../support/fake-tabs';
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
    const state = createStudioStore(kv, { channel: records.channel() });
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
      images,
      student,
      owner,
      onRemoteChange: state.onRemoteChange,
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
      close: () => (studio!.dispose(), owner.dispose(), state.dispose()),
    };
  };
  return { tab };
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
});
