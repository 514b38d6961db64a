import { describe, expect, it } from 'vitest';
import { persistCritic } from '../../../src/state/persist/critic';
import { readSavedCritic, toSavedCritic } from '../../../src/state/persist/critic-saved';
import { DEFAULT_CRITIC_SETTINGS, INITIAL_CRITIC } from '../../../src/state/slices/critic';
import type { KeyValue } from '../../../src/state/persist/key-value';
import { createStudioStore } from '../../../src/state/store';
import { FakeChannelHub } from '../../support/fake-tabs';
import { memoryKv, until } from '../../flows/fakes';

const item = {
  imageId: 'a',
  caption: 'a cat',
  captionModel: 'm',
  status: 'refining',
  decision: 'accepted',
  target: 'x',
};

describe('critic persistence', () => {
  it('round-trips items and settings; interrupted work comes back queued', () => {
    const state = { ...INITIAL_CRITIC, items: { a: item } } as unknown as typeof INITIAL_CRITIC;
    const saved = readSavedCritic(JSON.stringify(toSavedCritic(state)))!;
    expect(saved.items['a']).toMatchObject({ status: 'queued', decision: 'accepted', target: 'x' });
    expect(saved.settings).toEqual(DEFAULT_CRITIC_SETTINGS);
  });

  it('keeps whether a rewrite is backed; an item stored before (no field) reads as critiqued without calibration', () => {
    const unbacked = {
      ...item,
      imageId: 'b',
      status: 'done',
      backed: false,
      unbackedChanges: {
        removed: [{ object: 'cup', verdict: 'unverified', evidenceRecall: 0.66 }],
        added: [],
      },
    };
    const items = { a: item, b: unbacked, c: { ...item, imageId: 'c', status: 'done', backed: true } };
    const state = { ...INITIAL_CRITIC, items } as unknown as typeof INITIAL_CRITIC;
    const saved = readSavedCritic(JSON.stringify(toSavedCritic(state)))!;
    expect(saved.items['b']).toEqual(unbacked);
    expect(saved.items['c']!.backed).toBe(true);
    expect('backed' in saved.items['a']!).toBe(false);
    expect('unbackedChanges' in saved.items['a']!).toBe(false);
    // Damaged: not trusted as backed, and only what reads back whole is kept.
    const damaged = readSavedCritic({
      version: 1,
      items: {
        b: { ...unbacked, backed: 'yes', unbackedChanges: { removed: [{ object: 7 }], added: 'dog' } },
      },
    })!;
    expect(damaged.items['b']).toMatchObject({ backed: false, unbackedChanges: { removed: [], added: [] } });
  });

  it('keeps the window overlap across a reload; one the crop planner would refuse falls back to 0.25', () => {
    const at = (overlap: unknown) => ({
      ...INITIAL_CRITIC,
      settings: { ...DEFAULT_CRITIC_SETTINGS, teacher: { ...DEFAULT_CRITIC_SETTINGS.teacher, overlap } },
    });
    const back = (overlap: unknown) =>
      readSavedCritic(JSON.stringify(toSavedCritic(at(overlap) as typeof INITIAL_CRITIC)))!.settings.teacher
        .overlap;
    expect(back(0.4)).toBe(0.4);
    expect(back(0)).toBe(0);
    expect(back(0.85)).toBe(0.85);
    expect([back(0.9), back(-0.05), back('0.4'), back(null)]).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('keeps calibrated verdicts and a measured calibration table; a damaged table reads as none', () => {
    const table = {
      measuredOn: '2 of your images',
      images: 2,
      categories: { cat: { present: 1, named: 1, salient: 1, salientRight: 1 } },
    };
    const withTable = (calibrationTable: unknown) =>
      ({
        ...INITIAL_CRITIC,
        settings: { ...DEFAULT_CRITIC_SETTINGS, calibrated: true, calibrationTable },
      }) as typeof INITIAL_CRITIC;
    const back = (t: unknown) => readSavedCritic(JSON.stringify(toSavedCritic(withTable(t))))!.settings;
    expect(back(table)).toMatchObject({ calibrated: true, calibrationTable: table });
    expect(back({ ...table, categories: { cat: { present: 1, named: 5 } } }).calibrationTable).toBeNull();
    expect(back(null).calibrationTable).toBeNull();
  });

  it('saves the API key only when the person asked for it', () => {
    const keep = { ...DEFAULT_CRITIC_SETTINGS, openai: { ...DEFAULT_CRITIC_SETTINGS.openai, saveKey: true } };
    expect(toSavedCritic({ ...INITIAL_CRITIC, apiKey: 'sk-1' }).apiKey).toBeUndefined();
    expect(JSON.stringify(toSavedCritic({ ...INITIAL_CRITIC, apiKey: 'sk-1' }))).not.toContain('sk-1');
    const saved = toSavedCritic({ ...INITIAL_CRITIC, settings: keep, apiKey: 'sk-1' });
    expect(readSavedCritic(JSON.stringify(saved))!.apiKey).toBe('sk-1');
  });

  it('reads damaged or foreign storage as defaults, dropping what is not an item, never throwing', () => {
    expect(readSavedCritic('{not json')).toBeNull();
    expect(readSavedCritic({ version: 99 })).toBeNull();
    const saved = readSavedCritic({
      version: 1,
      items: { a: item, b: { imageId: 'c' }, d: 'junk', e: { ...item, imageId: 'e', status: 'exploded' } },
      settings: { engine: 'skynet', maxSteps: -3, teacher: { grids: [0, 99], device: 'webgpu' } },
      paused: true,
    })!;
    expect(Object.keys(saved.items)).toEqual(['a']);
    expect(saved.settings.engine).toBe('template');
    expect(saved.settings.maxSteps).toBe(3);
    expect(saved.settings.teacher.grids).toEqual([1, 2, 3]);
    expect(saved.settings.teacher.device).toBe('webgpu');
    expect(saved.paused).toBe(true);
  });
});

/** One tab's critic over the shared database (the studio store only holds the live state here). */
async function openCritic(kv: KeyValue, hub?: FakeChannelHub) {
  const state = createStudioStore(kv);
  const persistence = persistCritic(
    state.api,
    kv,
    (e) => {
      throw e;
    },
    hub === undefined ? {} : { channel: hub.channel() },
  );
  await persistence.hydrated;
  const s = () => state.api.getState();
  return { state, persistence, s, items: () => Object.keys(s().critic.items).sort() };
}

const doneItem = (imageId: string) => ({
  imageId,
  caption: `caption of ${imageId}`,
  captionModel: 'm',
  status: 'done' as const,
  decision: 'pending' as const,
});

describe('critic records (one per critique item, revision-checked like the studio state)', () => {
  it('migrates the one-key layout once: items, settings, pause and saved key come back; the old key is gone', async () => {
    const kv = memoryKv();
    const keep = {
      ...DEFAULT_CRITIC_SETTINGS,
      maxSteps: 5,
      openai: { ...DEFAULT_CRITIC_SETTINGS.openai, saveKey: true },
    };
    await kv.set(
      'critic',
      JSON.stringify({
        version: 1,
        items: { a: item, b: doneItem('b') },
        settings: keep,
        paused: true,
        apiKey: 'sk-old',
      }),
    );
    const first = await openCritic(kv);
    expect(first.items()).toEqual(['a', 'b']);
    expect(first.s().critic.items['a']).toMatchObject({
      status: 'queued',
      decision: 'accepted',
      target: 'x',
    });
    expect(first.s().critic.settings.maxSteps).toBe(5);
    expect(first.s().critic.run.paused).toBe(true);
    expect(first.s().critic.apiKey).toBe('sk-old');
    expect(await kv.get('critic')).toBeUndefined();
    expect(await kv.get('critic/item/b')).toMatchObject({ rev: 1, value: { imageId: 'b', status: 'done' } });
    // A second tab (or the next load) reads the records; nothing is migrated twice.
    const second = await openCritic(kv);
    expect(second.items()).toEqual(['a', 'b']);
    expect(await kv.get('critic/item/b')).toMatchObject({ rev: 1 });
  });

  it("two tabs each adding critiques keep both (the one-key layout kept only the last writer), and each sees the other's as they land", async () => {
    const kv = memoryKv();
    const hub = new FakeChannelHub();
    const a = await openCritic(kv, hub);
    const b = await openCritic(kv, hub);
    a.s().criticPutItem(doneItem('from-a'));
    b.s().criticPutItem(doneItem('from-b'));
    await Promise.all([a.persistence.flush(), b.persistence.flush()]);
    await until(() => a.items().length === 2 && b.items().length === 2);
    expect(a.items()).toEqual(['from-a', 'from-b']);
    // A removes its item while B, holding a copy, changes a setting: the removal stands, B's setting too.
    a.s().criticRemoveItem('from-a');
    b.s().criticSetSettings({ maxSteps: 7 });
    await Promise.all([a.persistence.flush(), b.persistence.flush()]);
    const reloaded = await openCritic(kv);
    expect(reloaded.items()).toEqual(['from-b']);
    expect(reloaded.s().critic.settings.maxSteps).toBe(7);
    await until(() => b.items().length === 1 && a.s().critic.settings.maxSteps === 7);
  });
});
