/**
 * The critic with two tabs of one studio (fake locks and channels, one IndexedDB over fake-indexeddb): only the owner tab
 * runs the queue; "Refine captions" in a follower queues the items as records and the owner critiques them;
 * the follower sees every critique as it lands; an owner tab closed mid-critique loses nothing and nothing is
 * critiqued twice (the other tab takes over the images that were not stored as done).
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { TabOwner } from '../../../src/lib/core/tabs/tab-owner';
import { createCritic } from '../../../src/flows/critic/critic';
import { persistCritic } from '../../../src/state/persist/critic';
import { createStudio, type Studio } from '../../../src/flows/studio';
import { createStudioStore } from '../../../src/state/store';
import { FakeChannelHub, FakeLocks } from '../../support/fake-tabs';
import { idbKeyValue } from '../../../src/state/persist/idb';
import type { KeyValue } from '../../../src/state/persist/key-value';
import { FakeImageStore, FakeIngest, FakeStudent, until } from '../fakes';
import { FakeData, FakeTeacher } from './fakes';

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
});

let databases = 0;

/** One browser: one IndexedDB (fake-indexeddb), one lock, one records channel for the studio and the critic. */
function browser() {
  const kv = idbKeyValue(`critic-two-tabs-${++databases}`, 'state');
  const locks = new FakeLocks();
  const records = new FakeChannelHub();
  const owners = new FakeChannelHub();
  const tab = () => {
    // A closed tab writes nothing more: from close() on, its writes never complete.
    let open = true;
    const never = new Promise<never>(() => {});
    const tabKv: KeyValue = {
      ...kv,
      set: (key, value) => (open ? kv.set(key, value) : never),
      del: (key) => (open ? kv.del(key) : never),
      updateMany: (keys, change) => (open ? kv.updateMany(keys, change) : never),
    };
    const channel = records.channel();
    const state = createStudioStore(tabKv, { channel });
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
      images: new FakeImageStore(),
      student: new FakeStudent(),
      owner,
      onRemoteChange: state.onRemoteChange,
    });
    const teacher = new FakeTeacher();
    const persistence = persistCritic(
      state.api,
      tabKv,
      (e) => {
        throw e;
      },
      { channel },
    );
    const critic = createCritic({
      store: state.api,
      teacher,
      data: new FakeData(),
      persistence,
      studioReady: studio.ready,
      tabs: { owner, onHandOver: studio.onHandOver },
    });
    const close = () => {
      if (!open) return;
      open = false;
      critic.dispose();
      studio!.dispose();
      owner.dispose();
      state.dispose();
      channel.close();
    };
    disposers.push(close);
    const items = () => state.api.getState().critic.items;
    const statuses = (ids: string[]) => ids.map((id) => items()[id]?.status ?? 'none');
    return { state, studio, owner, teacher, critic, persistence, items, statuses, close };
  };
  return { tab, records };
}

function addCaptioned(tab: ReturnType<ReturnType<typeof browser>['tab']>, ids: string[]) {
  for (const id of ids)
    tab.state.api.getState().addCard({
      id,
      name: `${id}.jpg`,
      byteLength: 10,
      width: 640,
      height: 480,
      status: 'captioned',
      caption: `A dog lying on a couch (${id}).`,
      captionModel: 'student',
      warnings: [],
      addedAt: 1,
      saved: true,
    });
}

const IDS = ['cats', 'stop', 'c3', 'c4'];
const done = (statuses: string[]) => statuses.every((s) => s === 'done');

describe('the critic with two tabs', () => {
  it('"Refine captions" in a follower is handed to the owner: only the owner critiques; the follower sees each as it lands', async () => {
    const { tab } = browser();
    const a = tab();
    await a.critic.ready;
    const b = tab();
    await b.critic.ready;
    expect(b.owner.state.role).toBe('follower');
    addCaptioned(b, IDS);
    await b.state.flush();
    await until(() => a.state.api.getState().order.length === IDS.length);
    expect(b.critic.start()).toBe(IDS.length);
    await until(() => done(a.statuses(IDS)) && done(b.statuses(IDS)), 5000);
    expect(b.teacher.calls).toEqual([]); // never two runners
    expect(b.state.api.getState().critic.run.state).toBe('idle');
    expect(a.teacher.calls.flat().sort()).toEqual([...IDS].sort()); // each image once
    expect(b.items()['cats']?.refinementKey).toBe(a.items()['cats']?.refinementKey);
  });

  it('the owner tab closed mid-critique: the other tab takes over the rest, every image critiqued once, none lost', async () => {
    const { tab } = browser();
    const a = tab();
    await a.critic.ready;
    a.teacher.answerCalls = 1; // the first batch (2 images) is stored; the tab closes during the second
    const b = tab();
    await b.critic.ready;
    addCaptioned(a, IDS);
    expect(a.critic.start()).toBe(IDS.length);
    await until(() => a.teacher.calls.length === 2 && done(a.statuses(IDS.slice(0, 2))));
    await a.persistence.flush(); // the first two stored as done
    a.close(); // no handover: the tab is gone; the browser lets its lock go
    await until(() => b.owner.state.role === 'owner');
    await until(() => done(b.statuses(IDS)), 5000);
    // The images stored as done before the close are not critiqued again; the two the teacher was on are.
    expect(b.teacher.calls.flat().sort()).toEqual(IDS.slice(2).sort());
    await b.critic.settled();
    b.close();
    const reloaded = tab();
    await reloaded.critic.ready;
    expect(reloaded.statuses(IDS)).toEqual(IDS.map(() => 'done'));
    expect(reloaded.teacher.calls).toEqual([]);
  });

  it('"Take over": the owner stops its critique, the images it was on go back to the queue (not cancelled), the new owner finishes', async () => {
    const { tab } = browser();
    const a = tab();
    await a.critic.ready;
    a.teacher.answerCalls = 1;
    const b = tab();
    await b.critic.ready;
    addCaptioned(a, IDS);
    a.critic.start();
    await until(() => a.teacher.calls.length === 2);
    b.owner.askTakeover();
    await until(() => b.owner.state.role === 'owner');
    // The old owner's run ended before it let the lock go: never two runners.
    expect(a.state.api.getState().critic.run.state).toBe('idle');
    expect(a.statuses(IDS).some((s) => s === 'cancelled')).toBe(false);
    await until(() => done(b.statuses(IDS)) && done(a.statuses(IDS)), 5000);
    expect(b.teacher.calls.flat().sort()).toEqual(IDS.slice(2).sort());
    expect(a.teacher.calls).toHaveLength(2); // the old owner started nothing after handing over
  });

  it("a tab that gets the lock before it hears the old owner's last critiques reads the stored records first: none critiqued twice", async () => {
    const { tab, records } = browser();
    const a = tab();
    await a.critic.ready;
    const b = tab();
    await b.critic.ready;
    a.critic.pause();
    addCaptioned(a, IDS);
    a.critic.start();
    await until(() => b.statuses(IDS).every((s) => s === 'queued'));
    records.hold(); // B hears nothing more until after it owns the work
    a.critic.resume();
    await until(() => done(a.statuses(IDS)));
    await a.critic.settled();
    a.close();
    await until(() => b.owner.state.role === 'owner');
    await until(() => done(b.statuses(IDS)));
    records.release();
    await b.critic.settled();
    expect(b.teacher.calls).toEqual([]);
  });
});
