import { describe, expect, it } from 'vitest';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';
import { extractObjectWords } from '../../../src/lib/vocabulary/object-words';

const table = CHAIR_SYNONYMS;
const words = (c: string) => extractObjectWords(c, table).map((w) => w.category);

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
