import { describe, expect, it } from 'vitest';
import { wordDiff } from '../../../src/lib/critic/word-diff';

const render = (before: string, after: string) =>
  wordDiff(before, after)
    .map((p) => (p.op === 'same' ? p.text : p.op === 'added' ? `[+${p.text}]` : `[-${p.text}]`))
    .join('');

describe('wordDiff', () => {
  it('marks replaced, removed and added words', () => {
    expect(render('A dog lying on a couch.', 'Two cats lying on a couch with two remotes.')).toBe(
      '[-A dog ][+Two cats ]lying on a [-couch.][+couch with two remotes.]',
    );
  });

  it('rebuilds both texts from its parts', () => {
    const before = 'a man riding a  horse on the beach';
    const after = 'A person riding a horse on a beach, near a dog.';
    const parts = wordDiff(before, after);
    expect(
      parts
        .filter((p) => p.op !== 'removed')
        .map((p) => p.text)
        .join(''),
    ).toBe(after);
    expect(
      parts
        .filter((p) => p.op !== 'added')
        .map((p) => p.text.trimEnd())
        .join(' '),
    ).toBe(before.split(/\s+/).join(' '));
  });

  it('gives one unchanged part for equal texts and handles empty ones', () => {
    expect(wordDiff('two cats', 'two cats')).toEqual([{ op: 'same', text: 'two cats' }]);
    expect(wordDiff('', 'a cat')).toEqual([{ op: 'added', text: 'a cat' }]);
    expect(wordDiff('a cat', '')).toEqual([{ op: 'removed', text: 'a cat' }]);
  });
});
