/**
 * Training with two tabs of one studio (fake locks and channels, one IndexedDB over fake-indexeddb, one
 * checkpoint store): only the owner tab trains; Train in a follower is handed to the owner, and the follower
 * shows the run as the owner stores it; an owner tab closed mid-training leaves the run to the other tab, which
 * goes on from the run's last stored checkpoint (nothing lost, no step trained twice after it); "Take over"
 * mid-training does the same without a close.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';
import { TabOwner } from '../../../src/lib/core/tabs/tab-owner';
import { idbKeyValue } from '../../../src/state/persist/idb';
import { createStudioStore } from '../../../src/state/store';
import { TrainingController } from '../../../src/flows/train/controller';
import { connectTrainingTabs, trainingTabs } from '../../../src/flows/train/training-tabs';
import { FakeChannelHub, FakeLocks } from '../../support/fake-tabs';
import { until } from '../fakes';
import {
  FakeTrainingWorker,
  MemoryCheckpoints,
  acceptedItem,
  captionedCard,
  describeCheckpoint,
  fakeCaptioning,
} from './fakes';

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
});

let db = 0;

/** One browser: one database, one checkpoint store, one lock, the records, owner and requests channels. */
function browser() {
  const name = `training-two-tabs-${++db}`;
  const checkpoints = new MemoryCheckpoints();
  const locks = new FakeLocks();
  const hubs = {
    records: new FakeChannelHub(),
    owners: new FakeChannelHub(),
    requests: new FakeChannelHub(),
  };
  const tab = async () => {
    const records = hubs.records.channel();
    const state = createStudioStore(idbKeyValue(name, 'state'), { channel: records });
    await state.hydrated;
    // The critic's decisions (its own records) are in every tab's state.
    state.api.getState().criticPutItem(acceptedItem('cats', 'a dog on a bed', 'two cats on a couch'));
    const handOvers = new Set<() => Promise<void>>();
    const onHandOver = (stop: () => Promise<void>) => {
      handOvers.add(stop);
      return () => handOvers.delete(stop);
    };
    const owner = new TabOwner({
      locks: locks.manager(),
      channel: hubs.owners.channel(),
      lockName: 'capgrad-studio',
      stopWork: async () => {
        await Promise.all([...handOvers].map((stop) => stop()));
        await state.flush();
      },
    });
    const requests = hubs.requests.channel();
    const worker = new FakeTrainingWorker();
    const controller = new TrainingController({
      store: state.api,
      port: worker,
      checkpoints,
      captioning: fakeCaptioning(state.api),
      scoring: {
        synonyms: async () => CHAIR_SYNONYMS,
        evidence: async () => undefined,
        clipScores: async (items) => items.map(() => 0.5),
      },
      pixels: async (ids) =>
        ids.map((id) => ({ id, image: { width: 1, height: 1, data: new Uint8Array(4) } })),
      newId: () => 'abc',
      persisted: state.flush,
      tabs: trainingTabs(owner, requests),
    });
    const disconnect = connectTrainingTabs(controller, {
      owner,
      requests,
      onHandOver,
      onRemoteChange: state.onRemoteChange,
      resync: state.resync,
    });
    await until(() => owner.state.role !== 'starting');
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      disconnect();
      owner.dispose();
      state.dispose();
      records.close();
      requests.close();
    };
    disposers.push(close);
    const training = () => state.api.getState().training;
    return { state, owner, worker, controller, training, close };
  };
  return { tab };
}

async function seed(tab: Awaited<ReturnType<ReturnType<typeof browser>['tab']>>) {
  const s = tab.state.api.getState();
  s.addCard(captionedCard('cats', 'a dog on a bed'));
  s.setTuningSettings({ checkpointEvery: 2 });
  s.setLoopSettings({ keepLast: 10 });
  await tab.state.flush();
}

describe('training with two tabs', () => {
  it('Train in a follower is handed to the owner: only the owner trains, the follower shows the run as stored', async () => {
    const { tab } = browser();
    const a = await tab();
    const b = await tab();
    expect([a.owner.state.role, b.owner.state.role]).toEqual(['owner', 'follower']);
    await seed(b);
    await until(() => a.state.api.getState().order.length === 1);
    b.controller.train();
    await until(() => b.training().status === 'done', 5000);
    expect(b.worker.calls).toEqual([]); // never two runners
    expect(a.worker.calls).toHaveLength(1);
    expect(a.training().status).toBe('done');
    expect(b.training().checkpoints.map((c) => c.id)).toEqual(['r1-abc-2', 'r1-abc-4', 'r1-abc-6-end']);
    expect(b.training().losses.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('the owner tab closed mid-training: the other tab goes on from the last stored checkpoint, nothing lost or repeated', async () => {
    const { tab } = browser();
    const a = await tab();
    const b = await tab();
    await seed(a);
    a.worker.hangAfter = 3; // the tab goes away after step 3; the last checkpoint is step 2
    a.controller.train();
    await until(() => a.training().losses.length === 3);
    await a.state.flush();
    a.close(); // no handover: the tab is gone; the browser lets its lock go
    await until(() => b.owner.state.role === 'owner');
    await until(() => b.training().status === 'done', 5000);
    expect(b.worker.calls).toHaveLength(1);
    expect(b.worker.calls[0]!.runId).toBe('r1-abc');
    expect(describeCheckpoint(b.worker.calls[0]!.start!.bytes)).toBe('r1-abc@2');
    expect(b.training().losses.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(b.training().checkpoints.map((c) => c.id)).toEqual(['r1-abc-2', 'r1-abc-4', 'r1-abc-6-end']);
    void a.worker.stop();
  });

  it('"Take over" mid-training: the old owner stops its rounds, the new owner continues the same run', async () => {
    const { tab } = browser();
    const a = await tab();
    const b = await tab();
    await seed(a);
    a.worker.hangAfter = 3;
    a.controller.train();
    await until(() => a.training().losses.length === 3);
    b.owner.askTakeover();
    await until(() => b.owner.state.role === 'owner');
    expect(a.worker.stopped).toBe(true); // stopped before the lock was let go: never two runners
    await until(() => b.training().status === 'done' && a.training().status === 'done', 5000);
    expect(a.worker.calls).toHaveLength(1);
    expect(b.worker.calls).toHaveLength(1);
    expect(describeCheckpoint(b.worker.calls[0]!.start!.bytes)).toBe('r1-abc@2');
    expect(b.training().losses.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
