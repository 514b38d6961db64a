/**
 * CHAIR's object words exactly as its reference code finds them (LisaAnne/Hallucination utils/chair.py,
 * `CHAIR.caption_to_words`, BSD-2-Clause): the `reference` mode of computeChair, for figures quoted beside a
 * paper's. Steps, as there: `nltk.word_tokenize(caption.lower())` (nltk-word-tokenize.ts), pattern.en's
 * `singularize` on every token (pattern-singularize.ts), pairs of tokens replaced left to right by the
 * double-word table below, "seat" dropped when the literal word "toilet" is left, then every token the
 * synonym list names exactly (as `line.strip().split(', ')` reads it) is one mention of its line's category.
 *
 * The reference's quirks, reproduced here, and what our default counter (vocabulary/object-words.ts) does instead:
 * - singularize mistakes: "bus" → "bu" and "ties" → "ty", so a single bus or several ties are never found
 *   ("buses" → "bus" is); "canoes" → "cano", "doggies" and "collies" unchanged, "tennis" → "tenni".
 *   Default: our own singular forms find them.
 * - the synonym file read raw: "scooter,  motor bike" and "cake,  cheesecake" (double spaces) list
 *   " motor bike" and " cheesecake", and "iPhone" keeps its capital while captions are lower-cased, so none of
 *   the three ever matches; "motor bike" is still taken as a double word and then names nothing. Default:
 *   words are trimmed and lower-cased (parseSynonyms), so they count.
 * - only two-word phrases of the table are joined: "stove top oven" is two ovens ("stove", "oven"), "dining
 *   table" counts as "table" (same category). Default: every phrase of the synonym list, up to three words.
 * Differences that were ours and are fixed in the default counter too: hyphenated and slashed words
 * ("hot-dog", "dog/cat") name nothing; "baby cub"/"baby animal" are no person; "seat" is dropped only next to
 * the literal "toilet" (not "urinal"); "train track(s)" is no train.
 * Not reproduced: nothing known. tools/make_chair_parity.py runs the reference's own libraries on 576
 * captions (test/fixtures/chair/reference-parity.json) and test/lib/score/chair-reference.test.ts checks
 * every caption's words and categories against it.
 */
import type { ObjectWord } from '../vocabulary/object-words';
import type { SynonymTable } from '../vocabulary/synonyms';
import { nltkWordTokenize } from './nltk-word-tokenize';
import { patternSingularize } from './pattern-singularize';

/** The synonym list as chair.py reads it: every entry as written, mapped to its line's first entry. */
export interface ReferenceVocabulary {
  /** Entry → category (the reference's inverse_synonym_dict; a later line wins). */
  readonly nodeWord: ReadonlyMap<string, string>;
}

/** chair.py's `[s.strip().split(', ') for s in open(path).readlines()]`: no trimming, no lower-casing. */
export function parseReferenceSynonyms(text: string): ReferenceVocabulary {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop(); // readlines() yields no line after the last newline
  const nodeWord = new Map<string, string>();
  for (const line of lines) {
    const entries = line.trim().split(', ');
    for (const entry of entries) nodeWord.set(entry, entries[0]!);
  }
  return { nodeWord };
}

const vocabularies = new WeakMap<SynonymTable, ReferenceVocabulary>();

/**
 * The reference's reading of the list a table was parsed from (parsed once per table). From the table rather than
 * by importing the file here: metrics/ is imported by the e2e specs' helpers, and Playwright's loader cannot read
 * the raw text import that the app's bundler inlines.
 */
export function referenceVocabularyOf(table: SynonymTable): ReferenceVocabulary {
  let vocabulary = vocabularies.get(table);
  if (vocabulary === undefined) {
    vocabulary = parseReferenceSynonyms(table.source);
    vocabularies.set(table, vocabulary);
  }
  return vocabulary;
}

// prettier-ignore
const COCO_DOUBLE_WORDS = [
  'motor bike', 'motor cycle', 'air plane', 'traffic light', 'street light', 'traffic signal', 'stop light',
  'fire hydrant', 'stop sign', 'parking meter', 'suit case', 'sports ball', 'baseball bat', 'baseball glove',
  'tennis racket', 'wine glass', 'hot dog', 'cell phone', 'mobile phone', 'teddy bear', 'hair drier',
  'potted plant', 'bow tie', 'laptop computer', 'stove top oven', 'home plate', 'train track',
];
// prettier-ignore
const ANIMAL_WORDS = ['bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'animal', 'cub'];
const VEHICLE_WORDS = ['jet', 'train'];

/** chair.py's double_word_dict: a pair of singularized tokens → the one word it counts as. */
const DOUBLE_WORDS: ReadonlyMap<string, string> = new Map([
  ...COCO_DOUBLE_WORDS.map((w): [string, string] => [w, w]),
  ...ANIMAL_WORDS.flatMap((a): Array<[string, string]> => [
    [`baby ${a}`, a],
    [`adult ${a}`, a],
  ]),
  ...VEHICLE_WORDS.map((v): [string, string] => [`passenger ${v}`, v]),
  ['bow tie', 'tie'],
  ['toilet seat', 'toilet'],
  // singularize("glass") is "glas"; the reference patches this one pair.
  ['wine glas', 'wine glass'],
]);

interface Word {
  readonly text: string;
  readonly first: number;
  readonly last: number;
}

/** The reference's object words of a caption, in order, duplicates included. */
export function referenceObjectWords(caption: string, vocabulary: ReferenceVocabulary): ObjectWord[] {
  const lower = caption.toLowerCase();
  const tokens = nltkWordTokenize(lower);
  const singular = tokens.map((t) => patternSingularize(t.text));
  let words: Word[] = [];
  for (let i = 0; i < singular.length;) {
    const pair = DOUBLE_WORDS.get(`${singular[i]} ${singular[i + 1]}`);
    if (i + 1 < singular.length && pair !== undefined) {
      words.push({ text: pair, first: i, last: i + 1 });
      i += 2;
    } else {
      words.push({ text: singular[i]!, first: i, last: i });
      i += 1;
    }
  }
  // "the seat of the toilet" would otherwise count a chair; only the literal word "toilet" does this.
  if (words.some((w) => w.text === 'toilet')) words = words.filter((w) => w.text !== 'seat');
  const toCaption = offsetsInCaption(caption, lower);
  return words.flatMap((w): ObjectWord[] => {
    const category = vocabulary.nodeWord.get(w.text);
    if (category === undefined) return [];
    const start = toCaption(tokens[w.first]!.start);
    const end = toCaption(tokens[w.last]!.end);
    return [
      {
        category,
        word: w.text,
        surface: caption.slice(start, end),
        start,
        end,
        tokenStart: w.first,
        tokenEnd: w.last + 1,
        // The reference has no notion of number; "plural" here means singularize changed the last token.
        plural: tokens[w.last]!.text !== singular[w.last],
      },
    ];
  });
}

/**
 * Offsets in the lower-cased caption → offsets in the caption. They are the same unless lower-casing
 * changed a character's length (e.g. "İ"); then each character is lower-cased alone to map them.
 */
function offsetsInCaption(caption: string, lower: string): (offset: number) => number {
  if (lower.length === caption.length) return (o) => o;
  const map: number[] = [];
  let i = 0;
  for (const ch of caption) {
    for (let k = 0; k < ch.toLowerCase().length; k++) map.push(i);
    i += ch.length;
  }
  map.push(i);
  return (o) => map[Math.min(o, map.length - 1)]!;
}
