/** Word-level English helpers for captions: tokens with offsets, singular forms, plurals, number words. */

export interface Token {
  /** Lower case, possessive 's removed. */
  readonly text: string;
  /** Character offsets into the caption. */
  readonly start: number;
  readonly end: number;
}

const WORD = /[A-Za-z0-9]+(?:'[A-Za-z]+)?/g;
/** A word joined to the next by "-" or "/" stays one token: "hot-dog", "dog/cat", "black-and-white". */
const COMPOUND_WORD = /[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*(?:'[A-Za-z]+)?/g;

/**
 * Words and numbers with their offsets; punctuation is not a token but shows in the gaps between them.
 * `keepCompounds` keeps hyphenated and slashed words whole, as CHAIR's reference tokenizer does.
 */
export function tokenize(text: string, options: { readonly keepCompounds?: boolean } = {}): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(options.keepCompounds ? COMPOUND_WORD : WORD)) {
    const raw = m[0].toLowerCase();
    const start = m.index;
    tokens.push({ text: raw.replace(/'s$/, ''), start, end: start + m[0].length });
  }
  return tokens;
}

/** Whether punctuation or a line break separates two offsets (a phrase never spans it). */
export function hasBreakBetween(text: string, from: number, to: number): boolean {
  return /[,.;:!?()\n"]/.test(text.slice(from, to));
}

const IRREGULAR_PLURALS: Readonly<Record<string, string>> = {
  person: 'people',
  man: 'men',
  woman: 'women',
  child: 'children',
  gentleman: 'gentlemen',
  policeman: 'policemen',
  serviceman: 'servicemen',
  mouse: 'mice',
  goose: 'geese',
  ox: 'oxen',
  foot: 'feet',
  tooth: 'teeth',
  knife: 'knives',
  pocketknife: 'pocketknives',
  calf: 'calves',
  shelf: 'shelves',
  leaf: 'leaves',
  wolf: 'wolves',
  sheep: 'sheep',
  fish: 'fish',
  deer: 'deer',
  bison: 'bison',
  cattle: 'cattle',
  broccoli: 'broccoli',
  skis: 'skis',
  scissors: 'scissors',
};

const IRREGULAR_SINGULARS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(IRREGULAR_PLURALS)
    .filter(([s, p]) => s !== p)
    .map(([s, p]) => [p, s]),
);

/** Words that are plural although no suffix says so. */
const INHERENTLY_PLURAL = new Set(['people', 'children', 'men', 'women', 'cattle', 'oxen', 'police']);
/** Same form in singular and plural: a bare mention says nothing about the count. */
const NUMBER_NEUTRAL = new Set(['sheep', 'fish', 'deer', 'bison', 'broccoli', 'skis', 'scissors', 'cattle']);

export function isNumberNeutral(word: string): boolean {
  return NUMBER_NEUTRAL.has(word);
}

/**
 * Candidate singular forms of a word, most likely first, the word itself included. Callers keep the first
 * candidate their vocabulary knows, so rules may over-generate ("horses" → "horse" and "hors").
 */
export function singularCandidates(word: string): string[] {
  const out = [word];
  const irregular = IRREGULAR_SINGULARS[word];
  if (irregular) out.unshift(irregular);
  if (word.length > 3 && word.endsWith('ies')) {
    // "puppies" → "puppy", "ties"/"collies" → "tie"/"collie"; never "-ies" → "-i": "skies" is no "ski".
    out.push(word.slice(0, -3) + 'y', word.slice(0, -1));
    return out;
  }
  if (word.length > 3 && word.endsWith('ves')) out.push(word.slice(0, -3) + 'f', word.slice(0, -3) + 'fe');
  if (word.length > 3 && word.endsWith('es')) out.push(word.slice(0, -1), word.slice(0, -2));
  else if (word.length > 2 && word.endsWith('s') && !word.endsWith('ss')) out.push(word.slice(0, -1));
  return out;
}

export function isPluralForm(surface: string, singular: string): boolean {
  if (NUMBER_NEUTRAL.has(singular)) return false;
  return INHERENTLY_PLURAL.has(surface) || surface !== singular;
}

export function pluralize(word: string): string {
  const irregular = IRREGULAR_PLURALS[word];
  if (irregular) return irregular;
  const lastSpace = word.lastIndexOf(' ');
  if (lastSpace >= 0) return word.slice(0, lastSpace + 1) + pluralize(word.slice(lastSpace + 1));
  if (/[^aeiou]y$/.test(word)) return word.slice(0, -1) + 'ies';
  if (/(s|x|z|ch|sh)$/.test(word)) return word + 'es';
  return word + 's';
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  twenty: 20,
  both: 2,
  pair: 2,
  couple: 2,
  dozen: 12,
  single: 1,
  lone: 1,
  another: 1,
};

/** Exact count a word states, if any ("two", "2", "pair", "both"). */
export function numberWord(word: string): number | undefined {
  if (/^\d+$/.test(word)) return Number(word);
  return NUMBER_WORDS[word];
}

const ORDINAL = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** "a"/"an" by the sound of the next word's first letter (good enough for COCO's nouns). */
export function indefiniteArticle(nextWord: string): string {
  return /^[aeiou]/i.test(nextWord) && !/^(uni|use|one)/i.test(nextWord) ? 'an' : 'a';
}

/** "a cat", "two cats", "many people". */
export function countedNoun(count: number, singular: string, plural: string = pluralize(singular)): string {
  if (count <= 1) return `${indefiniteArticle(singular)} ${singular}`;
  const word = ORDINAL[count];
  return word ? `${word} ${plural}` : `many ${plural}`;
}

/** Quantifiers that say "more than one" without a number. */
export const VAGUE_PLURAL_QUANTIFIERS = new Set([
  'several',
  'many',
  'multiple',
  'numerous',
  'various',
  'some',
  'few',
  'lots',
  'group',
  'bunch',
  'herd',
  'flock',
  'crowd',
  'pile',
  'stack',
  'row',
  'number',
]);

export const INDEFINITE_SINGULAR = new Set(['a', 'an']);
export const DEFINITE = new Set([
  'the',
  'this',
  'that',
  'its',
  'his',
  'her',
  'their',
  'these',
  'those',
  'my',
  'our',
]);

/** How a rewritten caption names a COCO category (COCO's own names are not always everyday English). */
const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  'dining table': 'table',
  tv: 'TV',
  remote: 'remote control',
  'sports ball': 'ball',
  'hair drier': 'hair dryer',
  mouse: 'computer mouse',
  skis: 'pair of skis',
  scissors: 'pair of scissors',
};

export function displayName(category: string): string {
  return DISPLAY_NAMES[category] ?? category;
}

/** "a cat", "two remote controls", "a pair of skis", "two pairs of skis". */
export function countedCategory(count: number, category: string): string {
  const name = displayName(category);
  const pairOf = /^pair of (.+)$/.exec(name);
  if (pairOf) return count <= 1 ? `a ${name}` : `${countedNoun(count, 'pair', 'pairs')} of ${pairOf[1]}`;
  return countedNoun(count, name);
}

/** "a", "a and b", "a, b and c". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
