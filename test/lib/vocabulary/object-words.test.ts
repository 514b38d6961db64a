import { describe, expect, it } from 'vitest';
import { extractObjectPhrases } from '../../../src/lib/vocabulary/object-phrases';
import { extractObjectWords } from '../../../src/lib/vocabulary/object-words';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';

const table = CHAIR_SYNONYMS;
const words = (c: string) => extractObjectWords(c, table).map((w) => w.category);
const phrases = (c: string) =>
  extractObjectPhrases(c, table).map((p) => [
    p.category,
    p.text,
    p.count.kind === 'exact' ? p.count.n : p.count.kind,
  ]);

describe('extractObjectWords (CHAIR mentions)', () => {
  it('finds synonyms, plurals and two-word names, duplicates included', () => {
    expect(words('Two kittens and a cat on a sofa next to a TV remote.')).toEqual([
      'cat',
      'cat',
      'couch',
      'tv',
      'remote',
    ]);
    expect(words('A man eats hot dogs at a dining table.')).toEqual(['person', 'hot dog', 'dining table']);
    expect(words('Wine glasses, knives and mice on desks.')).toEqual([
      'wine glass',
      'knife',
      'mouse',
      'dining table',
    ]);
    expect(words('People ride motor bikes past buses and a stop sign.')).toEqual([
      'person',
      'motorcycle',
      'bus',
      'stop sign',
    ]);
    expect(words("The dog's bowl is empty.")).toEqual(['dog', 'bowl']);
    expect(words('A teddy bear sits on a bed.')).toEqual(['teddy bear', 'bed']);
  });

  it("follows CHAIR's special cases", () => {
    expect(words('A baby elephant walks with an adult giraffe.')).toEqual(['elephant', 'giraffe']);
    expect(words('A baby in a crib.')).toEqual(['person']);
    expect(words('A passenger jet on the runway.')).toEqual(['airplane']);
    expect(words('A toilet seat is up.')).toEqual(['toilet']);
    expect(words('A toilet next to a seat.')).toEqual(['toilet']);
    expect(words('A man wearing a bow tie.')).toEqual(['person', 'tie']);
  });

  it('keeps offsets and the surface form', () => {
    const [w] = extractObjectWords('Three Kittens sleep.', table);
    expect(w).toMatchObject({
      category: 'cat',
      word: 'kitten',
      surface: 'Kittens',
      start: 6,
      end: 13,
      plural: true,
    });
  });
});

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
