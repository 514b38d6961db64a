import { describe, expect, it } from 'vitest';
import { readPersisted } from '../../../src/state/persist/schema';
import { DEFAULT_SETTINGS } from '../../../src/state/slices/settings';
import type { ImageCard } from '../../../src/state/slices/ingest';

const card: ImageCard = {
  id: 'a',
  name: 'cat.jpg',
  byteLength: 10,
  width: 4,
  height: 3,
  status: 'captioned',
  caption: 'a cat',
  captionModel: 'm',
  warnings: ['downscaled'],
  addedAt: 5,
  saved: true,
};
const readCards = (cards: Record<string, unknown>) =>
  readPersisted({ cards, order: Object.keys(cards) }).cards;

describe('a stored card read back (readPersisted)', () => {
  it('reads a whole card as it was saved', () => {
    expect(readCards({ a: card })).toStrictEqual({ a: card });
  });

  it('drops a card without its id, name, size or a stored status', () => {
    for (const damaged of [
      { ...card, id: 7 },
      { ...card, name: undefined },
      { ...card, byteLength: '10' },
      { ...card, status: 'ingesting' },
      { ...card, status: 'exploded' },
      'a card',
      null,
    ]) {
      expect(readCards({ a: damaged })).toEqual({});
    }
  });

  it('drops an optional field of the wrong type and keeps the card', () => {
    const back = readCards({
      a: { ...card, width: 'wide', caption: 3, error: { name: 'E' }, warnings: ['ok', 2], addedAt: 'x' },
    })['a'];
    expect(back).toMatchObject({ id: 'a', status: 'captioned', warnings: ['ok'], addedAt: 0 });
    expect(back?.width).toBeUndefined();
    expect(back?.caption).toBeUndefined();
    expect(back?.error).toBeUndefined();
  });

  it('reads missing warnings as none and a missing addedAt as 0', () => {
    const { warnings: _w, addedAt: _a, ...bare } = card;
    expect(readCards({ a: bare })['a']).toMatchObject({ warnings: [], addedAt: 0, saved: true });
  });

  it('does not carry fields a card does not have into the live state', () => {
    const back = readCards({ a: { ...card, pixels: [1, 2, 3], saved: false } })['a'];
    expect(back).not.toHaveProperty('pixels');
    expect(back?.saved).toBe(true);
  });
});

describe('the stored studio settings read back', () => {
  it('falls back field by field', () => {
    const { settings } = readPersisted({
      settings: {
        model: { kind: 'folder', name: 7 },
        device: 'gpu',
        generation: { strategy: 'beam', numBeams: '5', maxNewTokens: 999 },
      },
    });
    expect(settings.model).toEqual(DEFAULT_SETTINGS.model);
    expect(settings.device).toBe(DEFAULT_SETTINGS.device);
    expect(settings.generation).toMatchObject({ strategy: 'beam', numBeams: 3, batchSize: 4 });
    expect(settings.generation.maxNewTokens).toBeLessThan(999);
  });

  it('reads missing or non-object settings as the defaults', () => {
    expect(readPersisted({}).settings).toEqual(DEFAULT_SETTINGS);
    expect(readPersisted({ settings: [1] }).settings).toEqual(DEFAULT_SETTINGS);
    expect(readPersisted({ settings: {} }).settings).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps a folder model and a trimmed model id; ignores extra fields', () => {
    const folder = readPersisted({ settings: { model: { kind: 'folder', name: 'mine', fileCount: 4 } } });
    expect(folder.settings.model).toEqual({ kind: 'folder', name: 'mine', fileCount: 4 });
    const id = readPersisted({ settings: { model: { kind: 'id', modelId: ' x ' }, theme: 'dark' } });
    expect(id.settings.model).toEqual({ kind: 'id', modelId: 'x' });
    expect(id.settings).not.toHaveProperty('theme');
  });
});

describe('the whole stored studio state', () => {
  it('reads anything that is not an object as an empty studio', () => {
    for (const value of ['x', 3, [card]]) {
      expect(readPersisted(value)).toMatchObject({ cards: {}, order: [], paused: false });
    }
  });

  it('keeps the order of the cards that read back, once each', () => {
    const b = { ...card, id: 'b' };
    const back = readPersisted({ cards: { a: card, b, c: 'x' }, order: ['b', 'c', 'a', 'b', 5] });
    expect(back.order).toEqual(['b', 'a']);
  });
});
