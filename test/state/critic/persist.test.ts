import { describe, expect, it } from 'vitest';
import { readSavedCritic, toSavedCritic } from '../../../src/state/critic/persist';
import { DEFAULT_CRITIC_SETTINGS, INITIAL_CRITIC } from '../../../src/state/critic/slice';

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
