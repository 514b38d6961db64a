/**
 * The CHAIR synonym list (Rohrbach et al. 2018; LisaAnne/Hallucination data/synonyms.txt): each line is a
 * COCO category followed by the words that count as it, comma-separated. The reference splits on ', '
 * without trimming, so its " motor bike" and " cheesecake" (double spaces in the file) never match; we
 * trim, which only adds those two words. Later lines win for a word listed twice, as in the reference
 * (the shipped file has no such conflicts).
 */
export interface SynonymTable {
  /** COCO categories in file order. */
  readonly categories: readonly string[];
  /** Lower-case word or phrase → COCO category. */
  readonly lookup: ReadonlyMap<string, string>;
  /** Longest phrase length in words. */
  readonly maxWords: number;
  /** The text it was parsed from: CHAIR's reference mode reads the list as the reference does (untrimmed). */
  readonly source: string;
}

export class SynonymFormatError extends Error {
  override readonly name = 'SynonymFormatError';
}

export function parseSynonyms(text: string): SynonymTable {
  const categories: string[] = [];
  const lookup = new Map<string, string>();
  let maxWords = 1;
  text.split(/\r?\n/).forEach((line, i) => {
    const words = line
      .split(',')
      .map((w) => w.trim().toLowerCase().replace(/\s+/g, ' '))
      .filter((w) => w.length > 0);
    const category = words[0];
    if (category === undefined) return;
    if (categories.includes(category))
      throw new SynonymFormatError(`Line ${i + 1}: "${category}" listed twice.`);
    categories.push(category);
    for (const w of words) {
      lookup.set(w, category);
      maxWords = Math.max(maxWords, w.split(' ').length);
    }
  });
  if (categories.length === 0) throw new SynonymFormatError('The synonym list is empty.');
  return { categories, lookup, maxWords, source: text };
}
