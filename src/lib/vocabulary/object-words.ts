/**
 * Object words in a caption (`extractObjectWords`): CHAIR's unit, counted as its reference code counts (LisaAnne/Hallucination
 *   utils/chair.py) where that is sensible: every word or listed phrase that the synonym table knows is one
 *   mention, duplicates included; "baby/adult <animal>" counts as the animal ("baby cub", "baby animal" as
 *   nothing), "passenger jet/train" as the vehicle, "toilet seat" as the toilet, "train track(s)" as nothing,
 *   "seat" is dropped from a caption that says the word "toilet", and hyphenated or slashed words ("hot-dog",
 *   "dog/cat") are one word that names nothing, as the reference's tokenizer keeps them. Where the reference
 *   errs (its singularizer loses "bus" and "ties", its raw synonym file loses "motor bike", "cheesecake" and
 *   "iPhone"), this counts; score/chair-reference.ts reproduces the reference exactly.
 * The critic's unit, noun phrases built from these words, is object-phrases.ts.
 */
import type { SynonymTable } from './synonyms';
import type { Token } from './words';
import { isPluralForm, singularCandidates, tokenize } from './words';

export interface ObjectWord {
  readonly category: string;
  /** The vocabulary entry it matched, singular ("cat", "hot dog"). */
  readonly word: string;
  /** As written in the caption. */
  readonly surface: string;
  readonly start: number;
  readonly end: number;
  readonly tokenStart: number;
  readonly tokenEnd: number;
  readonly plural: boolean;
}

/** "baby"/"adult" before these is a qualifier, not a person; "animal" and "cub" name no COCO object. */
const ANIMAL_WORDS = new Set([
  'bird',
  'cat',
  'dog',
  'horse',
  'sheep',
  'cow',
  'elephant',
  'bear',
  'zebra',
  'giraffe',
  'animal',
  'cub',
]);
const VEHICLE_WORDS = new Set(['jet', 'train']);

interface Match {
  readonly length: number;
  readonly word: string;
  readonly category: string;
  readonly plural: boolean;
}

function lookupAt(
  tokens: readonly Token[],
  i: number,
  table: SynonymTable,
  maxWords = table.maxWords,
): Match | undefined {
  for (let n = Math.min(maxWords, tokens.length - i); n >= 1; n--) {
    const prefix = tokens
      .slice(i, i + n - 1)
      .map((t) => t.text)
      .join(' ');
    const last = tokens[i + n - 1]!.text;
    for (const singular of singularCandidates(last)) {
      const word = prefix ? `${prefix} ${singular}` : singular;
      const category = table.lookup.get(word);
      if (category !== undefined) return { length: n, word, category, plural: isPluralForm(last, singular) };
    }
  }
  return undefined;
}

/** Whether tokens i and i + 1 are `first` and `second` (either possibly plural). */
function isPair(tokens: readonly Token[], i: number, first: string, second: string): boolean {
  const a = tokens[i]?.text;
  const b = tokens[i + 1]?.text;
  return (
    a !== undefined &&
    b !== undefined &&
    singularCandidates(a).includes(first) &&
    singularCandidates(b).includes(second)
  );
}

/** CHAIR's qualifier rules: "baby elephant", "adult bird", "passenger jet": the pair is the second word. */
function isQualifiedPair(tokens: readonly Token[], i: number): boolean {
  const here = tokens[i]?.text;
  const next = tokens[i + 1]?.text;
  if (here === undefined || next === undefined) return false;
  const nextSingular = singularCandidates(next);
  if ((here === 'baby' || here === 'adult') && nextSingular.some((w) => ANIMAL_WORDS.has(w))) return true;
  return here === 'passenger' && nextSingular.some((w) => VEHICLE_WORDS.has(w));
}

export interface ObjectWordOptions {
  /**
   * Hyphenated and slashed words ("hot-dog", "dog/cat"): `false` (CHAIR, the default) keeps each one token,
   * which names nothing, as the reference does; `true` reads their parts as words (the critic's phrases,
   * which would rather see the hot dog).
   */
  readonly splitCompounds?: boolean;
}

/** The categories a caption names (CHAIR's words), as a set. */
export function namedCategories(caption: string, table: SynonymTable): Set<string> {
  return new Set(extractObjectWords(caption, table).map((w) => w.category));
}

export function extractObjectWords(
  caption: string,
  table: SynonymTable,
  options: ObjectWordOptions = {},
): ObjectWord[] {
  return findObjectWords(caption, tokenize(caption, { keepCompounds: !options.splitCompounds }), table);
}

/** The object words among already-tokenized text (object-phrases.ts groups them into phrases). */
export function findObjectWords(
  caption: string,
  tokens: readonly Token[],
  table: SynonymTable,
): ObjectWord[] {
  const words: ObjectWord[] = [];
  let i = 0;
  // Left to right, a two-word rule before a single word, as the reference pairs its tokens.
  while (i < tokens.length) {
    if (isQualifiedPair(tokens, i)) {
      const m = lookupAt(tokens, i + 1, table, 1); // "baby cub", "baby animal": nothing
      if (m) words.push(objectWord(caption, tokens, i + 1, m));
      i += 2;
      continue;
    }
    if (isPair(tokens, i, 'toilet', 'seat')) {
      words.push(
        objectWord(caption, tokens, i, { length: 2, word: 'toilet', category: 'toilet', plural: false }),
      );
      i += 2;
      continue;
    }
    // The rails, not a train: "the train tracks" names no object.
    if (isPair(tokens, i, 'train', 'track')) {
      i += 2;
      continue;
    }
    const m = lookupAt(tokens, i, table);
    if (m) {
      words.push(objectWord(caption, tokens, i, m));
      i += m.length;
    } else {
      i += 1;
    }
  }
  // "The seat of the toilet" is no chair; the reference drops "seat" only beside the word "toilet" itself
  // (or "toilets", "toilet seat"), not beside "urinal" or "commode".
  const saysToilet = words.some((w) => w.word === 'toilet');
  return saysToilet ? words.filter((w) => w.word !== 'seat') : words;
}

function objectWord(caption: string, tokens: readonly Token[], i: number, m: Match): ObjectWord {
  const start = tokens[i]!.start;
  const end = tokens[i + m.length - 1]!.end;
  return {
    category: m.category,
    word: m.word,
    surface: caption.slice(start, end),
    start,
    end,
    tokenStart: i,
    tokenEnd: i + m.length,
    plural: m.plural,
  };
}
