import { describe, expect, it } from 'vitest';
import { createRecordSync } from '../../../src/state/persist/record-sync';
import type { StoredRecord } from '../../../src/state/persist/records';
import type { KeyValue } from '../../../src/state/persist/key-value';

/**
 * An in-memory KeyValue whose transactions commit at once but whose callers hear of it only when the test
 * says so: the window in which IndexedDB has committed a write and the writing tab has not yet learnt its
 * new revision.
 */
function gatedKeyValue() {
  const data = new Map<string, unknown>();
  const gates: Array<() => void> = [];
  const kv: KeyValue = {
    get: async (key) => data.get(key),
    set: async (key, value) => void data.set(key, value),
    del: async (key) => void data.delete(key),
    keys: async () => [...data.keys()],
    getMany: async (keys) => keys.map((k) => data.get(k)),
    async updateMany(keys, change) {
      for (const [key, value] of change(keys.map((k) => data.get(k)))) {
        if (value === undefined) data.delete(key);
        else data.set(key, value);
      }
      await new Promise<void>((resolve) => gates.push(resolve));
    },
  };
  const openGates = () => {
    for (const open of gates.splice(0)) open();
  };
  return { kv, data, openGates };
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('createRecordSync', () => {
  it("a resync while this tab's own write is committing does not roll the live state back to it", async () => {
    const { kv, data, openGates } = gatedKeyValue();
    let live = 'evidence';
    const applied: string[] = [];
    const sync = createRecordSync(kv, {
      owns: (key) => key.startsWith('item/'),
      deletable: () => true,
      current: () => ({ values: new Map([['item/a', live]]) }),
      apply: (changed) => {
        for (const record of changed.values()) {
          applied.push(record.value as string);
          live = record.value as string;
        }
      },
      onWriteError: (error) => {
        throw error;
      },
    });
    await sync.hydrate();
    const written = sync.schedule(); // 'evidence' commits, the tab has not heard back yet
    await tick();
    live = 'done'; // the work finished meanwhile
    const resynced = sync.resync(); // e.g. the tab became visible again
    await tick();
    openGates();
    await written;
    openGates();
    await resynced;
    void sync.schedule();
    for (let i = 0; i < 5; i++) {
      openGates();
      await tick();
    }
    await sync.flush();

    expect(applied).toEqual([]); // its own write is not news to it
    expect(live).toBe('done');
    expect((data.get('item/a') as StoredRecord).value).toBe('done');
  });

  it('a resync still takes what another tab wrote', async () => {
    const { kv, data, openGates } = gatedKeyValue();
    let live = 'queued';
    const sync = createRecordSync(kv, {
      owns: (key) => key.startsWith('item/'),
      deletable: () => true,
      current: () => ({ values: new Map([['item/a', live]]) }),
      apply: (changed) => {
        for (const record of changed.values()) live = record.value as string;
      },
      onWriteError: (error) => {
        throw error;
      },
    });
    await sync.hydrate();
    const written = sync.schedule();
    await tick();
    openGates();
    await written;
    data.set('item/a', { rev: 7, value: 'done' } satisfies StoredRecord); // another tab's write
    await sync.resync();
    expect(live).toBe('done');
  });

  it('a value read back with its keys in another order is not a change: nothing is written', async () => {
    const { kv, data } = gatedKeyValue();
    data.set('item/a', { rev: 1, value: { caption: 'a cat', status: 'done' } } satisfies StoredRecord);
    const sync = createRecordSync(kv, {
      owns: (key) => key.startsWith('item/'),
      deletable: () => true,
      // What a validator gives back: the same value, keys in the schema's order.
      current: () => ({ values: new Map([['item/a', { status: 'done', caption: 'a cat' }]]) }),
      apply: () => {},
      onWriteError: (error) => {
        throw error;
      },
    });
    await sync.hydrate();
    await sync.schedule();
    expect(data.get('item/a')).toEqual({ rev: 1, value: { caption: 'a cat', status: 'done' } });
  });
});
