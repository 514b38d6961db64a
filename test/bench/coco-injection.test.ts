/** The COCO bench's injected hallucinations: plausible absent objects, appended or swapped in, reproducible. */
import { describe, expect, it } from 'vitest';
import {
  CoOccurrence,
  appendObject,
  drawAbsent,
  injectCaptions,
  swapObject,
} from '../../bench/lib/coco-injection';
import { SeededRandom } from '../../src/lib/core/rng';
import { CHAIR_SYNONYMS } from '../../src/lib/vocabulary/chair-synonyms';
import { namedCategories } from '../../src/lib/vocabulary/object-words';

const KITCHENS = [
  new Set(['person', 'fork', 'dining table']),
  new Set(['person', 'fork', 'cup']),
  new Set(['dining table', 'fork', 'cup']),
  new Set(['giraffe']),
  new Set(['giraffe', 'zebra']),
];

describe('drawAbsent', () => {
  const cooc = new CoOccurrence(KITCHENS);

  it('draws what co-occurs with the image, never what is there or excluded', () => {
    const drawn = new Set<string>();
    const rng = new SeededRandom(1);
    for (let i = 0; i < 200; i++) drawn.add(drawAbsent(new Set(['person']), new Set(['cup']), cooc, rng)!);
    expect([...drawn].sort()).toEqual(['dining table', 'fork']);
  });

  it('falls back to plain frequency where nothing co-occurs, and says null when nothing is left', () => {
    const rng = new SeededRandom(2);
    expect(cooc.categories()).toContain(drawAbsent(new Set(['boat']), new Set(), cooc, rng));
    expect(drawAbsent(new Set(cooc.categories()), new Set(), cooc, rng)).toBeNull();
  });
});

describe('appendObject and swapObject', () => {
  it('appends a counted object the CHAIR words find', () => {
    const caption = appendObject('A man eating at a table.', 'fork');
    expect(caption).toBe('A man eating at a table next to a fork.');
    expect(namedCategories(caption, CHAIR_SYNONYMS)).toContain('fork');
  });

  it('swaps the first mention of a present category, keeping its number', () => {
    const swapped = swapObject(
      'Two dogs chase a frisbee in the park.',
      new Set(['dog', 'frisbee']),
      'cat',
      CHAIR_SYNONYMS,
    );
    expect(swapped).toEqual({ caption: 'Two cats chase a frisbee in the park.', replaced: 'dog' });
    expect(swapObject('A sunny day.', new Set(['dog']), 'cat', CHAIR_SYNONYMS)).toBeNull();
  });
});

describe('injectCaptions', () => {
  it('gives each caption an appended and a swapped version, the same for the same seed', () => {
    const cooc = new CoOccurrence(KITCHENS);
    const captions = ['A woman holds a fork over her plate.', 'A kitchen scene.'];
    const present = new Set(['person', 'fork']);
    const a = injectCaptions(captions, present, cooc, new SeededRandom(7), CHAIR_SYNONYMS);
    const b = injectCaptions(captions, present, cooc, new SeededRandom(7), CHAIR_SYNONYMS);
    expect(a).toEqual(b);
    // The second caption names nothing present: no swap for it.
    expect(a.map((v) => v.kind)).toEqual(['append', 'swap', 'append']);
    for (const v of a) {
      expect(present.has(v.injected)).toBe(false);
      expect(namedCategories(v.caption, CHAIR_SYNONYMS)).toContain(v.injected);
    }
  });
});
