import { describe, expect, it } from 'vitest';
import { SynonymFormatError, parseSynonyms } from '../../../src/lib/vocabulary/synonyms';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';

describe('parseSynonyms', () => {
  it('reads the CHAIR list: 80 categories and their words', () => {
    const t = CHAIR_SYNONYMS;
    expect(t.categories).toHaveLength(80);
    expect(t.categories[0]).toBe('person');
    expect(t.lookup.get('kitten')).toBe('cat');
    expect(t.lookup.get('sofa')).toBe('couch');
    expect(t.lookup.get('television')).toBe('tv');
    expect(t.lookup.get('table')).toBe('dining table');
    expect(t.lookup.get('iphone')).toBe('cell phone');
    expect(t.lookup.get('stove top oven')).toBe('oven');
    expect(t.maxWords).toBe(3);
    // Trimmed, so the file's double-spaced entries count too.
    expect(t.lookup.get('motor bike')).toBe('motorcycle');
    expect(t.lookup.get('cheesecake')).toBe('cake');
  });

  it('rejects an empty list and a category listed twice', () => {
    expect(() => parseSynonyms('\n\n')).toThrow(SynonymFormatError);
    expect(() => parseSynonyms('cat, kitten\ncat, tabby\n')).toThrow(/Line 2/);
  });
});
