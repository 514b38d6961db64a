import { describe, expect, it } from 'vitest';
import {
  countedCategory,
  countedNoun,
  indefiniteArticle,
  joinList,
  pluralize,
  singularCandidates,
  tokenize,
} from '../../../src/lib/vocabulary/words';

describe('caption words', () => {
  it('tokenizes with offsets and drops possessives', () => {
    expect(tokenize("The cat's toy, 2 mice.")).toEqual([
      { text: 'the', start: 0, end: 3 },
      { text: 'cat', start: 4, end: 9 },
      { text: 'toy', start: 10, end: 13 },
      { text: '2', start: 15, end: 16 },
      { text: 'mice', start: 17, end: 21 },
    ]);
  });

  it('proposes singular forms for regular and irregular plurals', () => {
    expect(singularCandidates('mice')[0]).toBe('mouse');
    expect(singularCandidates('puppies')).toContain('puppy');
    expect(singularCandidates('knives')).toContain('knife');
    expect(singularCandidates('buses')).toContain('bus');
    expect(singularCandidates('horses')).toContain('horse');
    expect(singularCandidates('glass')).toEqual(['glass']);
  });

  it('writes plurals, articles and counted nouns', () => {
    expect(['cat', 'bus', 'couch', 'person', 'knife', 'pony', 'sheep', 'wine glass'].map(pluralize)).toEqual([
      'cats',
      'buses',
      'couches',
      'people',
      'knives',
      'ponies',
      'sheep',
      'wine glasses',
    ]);
    expect(indefiniteArticle('elephant')).toBe('an');
    expect(indefiniteArticle('umbrella')).toBe('an');
    expect(indefiniteArticle('unicycle')).toBe('a');
    expect(countedNoun(1, 'apple')).toBe('an apple');
    expect(countedNoun(3, 'cat')).toBe('three cats');
    expect(countedNoun(14, 'person')).toBe('many people');
    expect(countedCategory(2, 'remote')).toBe('two remote controls');
    expect(countedCategory(1, 'dining table')).toBe('a table');
    expect(countedCategory(2, 'skis')).toBe('two pairs of skis');
    expect(joinList(['a', 'b', 'c'])).toBe('a, b and c');
  });
});
