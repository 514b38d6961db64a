import { describe, expect, it } from 'vitest';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';
import { extractObjectPhrases } from '../../../src/lib/vocabulary/object-phrases';

const table = CHAIR_SYNONYMS;
const phrases = (c: string) =>
  extractObjectPhrases(c, table).map((p) => [
    p.category,
    p.text,
    p.count.kind === 'exact' ? p.count.n : p.count.kind,
  ]);

describe('extractObjectPhrases (the critic’s mentions)', () => {
  it('reads counts from numbers, articles, quantifiers and plurals', () => {
    expect(phrases('Two cats lying on a couch.')).toEqual([
      ['cat', 'Two cats', 2],
      ['couch', 'a couch', 1],
    ]);
    expect(phrases('A group of people near 3 elephants.')).toEqual([
      ['person', 'A group of people', 'many'],
      ['elephant', '3 elephants', 3],
    ]);
    expect(phrases('A pair of skis and some bananas.')).toEqual([
      ['skis', 'A pair of skis', 2],
      ['banana', 'some bananas', 'many'],
    ]);
    expect(phrases('Cats sleeping. The cat is happy.')).toEqual([
      ['cat', 'Cats', 'many'],
      ['cat', 'The cat', 'definite'],
    ]);
    expect(phrases('Sheep grazing near the fence.')).toEqual([['sheep', 'Sheep', 'unspecified']]);
  });

  it('treats adjacent object words as one phrase with the last word as head', () => {
    expect(phrases('Two small tabby cats on a tv remote.')).toEqual([
      ['cat', 'Two small tabby cats', 2],
      ['remote', 'a tv remote', 1],
    ]);
  });

  it('does not reach across punctuation or prepositions for a count', () => {
    expect(phrases('A man with cats, dogs.')).toEqual([
      ['person', 'A man', 1],
      ['cat', 'cats', 'many'],
      ['dog', 'dogs', 'many'],
    ]);
    expect(phrases('One man and another man.')).toEqual([
      ['person', 'One man', 1],
      ['person', 'another man', 1],
    ]);
  });
});
