import { describe, expect, it } from 'vitest';
import { readCriticItem, readCriticSettings, readSavedCritic } from '../../../src/state/persist/critic-saved';
import type { CriticItem } from '../../../src/lib/critic/records';
import { DEFAULT_CRITIC_SETTINGS } from '../../../src/state/slices/critic';

const item: CriticItem = {
  imageId: 'a',
  caption: 'a cat',
  captionModel: 'm',
  status: 'done',
  engine: 'template',
  originalScore: 0.4,
  bestScore: 0.8,
  refined: 'a cat on a mat',
  versions: 2,
  stop: 'clean',
  decision: 'accepted',
  target: 'a cat on a mat',
  targetScore: 0.8,
  decidedAt: 9,
};

describe('a stored critique item read back', () => {
  it('reads a whole item as it was saved', () => {
    expect(readCriticItem('a', item)).toStrictEqual(item);
  });

  it('drops an item without its image (or under another id), caption or a known status', () => {
    for (const damaged of [
      { ...item, imageId: 'b' },
      { ...item, caption: 5 },
      { ...item, status: undefined },
      { ...item, status: 'exploded' },
      ['a'],
      'junk',
    ]) {
      expect(readCriticItem('a', damaged)).toBeNull();
    }
  });

  it('drops an optional field of the wrong type; a missing model or decision takes its default', () => {
    const { captionModel: _m, decision: _d, ...bare } = item;
    const back = readCriticItem('a', { ...bare, bestScore: 'high', stop: 'bored', error: 'x' });
    expect(back).toMatchObject({
      imageId: 'a',
      captionModel: '',
      decision: 'pending',
      refined: item.refined,
    });
    expect(back?.bestScore).toBeUndefined();
    expect(back?.stop).toBeUndefined();
    expect(back?.error).toBeUndefined();
  });

  it('does not carry fields an item does not have; work a reload cut off comes back queued', () => {
    const back = readCriticItem('a', { ...item, status: 'refining', secret: 'x' });
    expect(back).not.toHaveProperty('secret');
    expect(back?.status).toBe('queued');
  });
});

describe("the critic's stored settings read back", () => {
  it('reads missing or non-object settings as the defaults', () => {
    expect(readCriticSettings(undefined)).toEqual(DEFAULT_CRITIC_SETTINGS);
    expect(readCriticSettings([1])).toEqual(DEFAULT_CRITIC_SETTINGS);
  });

  it('falls back field by field; flags read true only when stored true (as they always did)', () => {
    const back = readCriticSettings({
      engine: 'openai',
      openai: 'not an object',
      transformersModelId: 4,
      ensemble: 'yes',
      teacher: { useFlorence: 'no', numBeams: 5, overlap: 0.9 },
    });
    expect(back.engine).toBe('openai');
    expect(back.openai).toEqual({ ...DEFAULT_CRITIC_SETTINGS.openai, saveKey: false });
    expect(back.transformersModelId).toBe(DEFAULT_CRITIC_SETTINGS.transformersModelId);
    expect(back.ensemble).toBe(false);
    expect(back.calibrated).toBe(false);
    expect(back.calibrationTable).toBeNull();
    expect(back.teacher).toEqual({ ...DEFAULT_CRITIC_SETTINGS.teacher, numBeams: 5 });
  });

  it('does not carry fields the settings do not have', () => {
    const back = readCriticSettings({ engine: 'template', theme: 'dark', teacher: { extra: 1 } });
    expect(back).not.toHaveProperty('theme');
    expect(back.teacher).not.toHaveProperty('extra');
  });
});

describe('the one-key layout (version 1) read back', () => {
  it('reads only version 1: another version or none is not read', () => {
    const saved = { items: { a: item }, settings: {}, paused: true };
    expect(readSavedCritic({ ...saved, version: 1 })?.items).toEqual({ a: item });
    expect(readSavedCritic({ ...saved, version: 2 })).toBeNull();
    expect(readSavedCritic({ ...saved, version: '1' })).toBeNull();
    expect(readSavedCritic(saved)).toBeNull();
  });

  it('keeps the API key only when the settings say to save it, and only a string', () => {
    const saved = { version: 1, settings: { openai: { saveKey: true } } };
    expect(readSavedCritic({ ...saved, apiKey: 'sk' })?.apiKey).toBe('sk');
    expect(readSavedCritic({ ...saved, apiKey: 42 })?.apiKey).toBe('');
    expect(readSavedCritic({ version: 1, apiKey: 'sk' })?.apiKey).toBe('');
  });
});
