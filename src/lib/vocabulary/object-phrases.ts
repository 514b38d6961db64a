/**
 * Object noun phrases in a caption (`extractObjectPhrases`): the critic's unit. Adjacent object words
 * (object-words.ts) form one phrase whose last word is its head ("tabby cat" is one cat, "tv remote" a
 * remote), with the count it claims ("two cats", "a pair of skis", "a group of people", "cats" = more than one).
 */
import type { ObjectWord } from './object-words';
import { findObjectWords } from './object-words';
import type { SynonymTable } from './synonyms';
import type { Token } from './words';
import {
  DEFINITE,
  INDEFINITE_SINGULAR,
  VAGUE_PLURAL_QUANTIFIERS,
  hasBreakBetween,
  isNumberNeutral,
  numberWord,
  tokenize,
} from './words';

/** What a noun phrase says about how many there are. */
export type ClaimedCount =
  | { readonly kind: 'exact'; readonly n: number; readonly additive: boolean }
  | { readonly kind: 'many' }
  | { readonly kind: 'definite' }
  | { readonly kind: 'unspecified' };

export interface ObjectPhrase {
  readonly category: string;
  /** The head word as written ("cats"). */
  readonly head: string;
  readonly headWord: string;
  readonly plural: boolean;
  /** Whole phrase, determiner or number included ("two tabby cats"). */
  readonly text: string;
  readonly start: number;
  readonly headStart: number;
  readonly end: number;
  readonly tokenStart: number;
  readonly tokenEnd: number;
  readonly count: ClaimedCount;
}

/** Words that end the look-back for a phrase's determiner: the phrase cannot reach past them. */
const BOUNDARY = new Set([
  'and',
  'or',
  'but',
  'with',
  'without',
  'on',
  'in',
  'at',
  'near',
  'by',
  'to',
  'from',
  'next',
  'beside',
  'behind',
  'under',
  'over',
  'above',
  'below',
  'into',
  'onto',
  'top',
  'front',
  'is',
  'are',
  'was',
  'were',
  'has',
  'have',
  'while',
  'as',
  'for',
  'of',
  'inside',
  'outside',
  'between',
  'against',
  'around',
  'across',
]);
const MAX_ADJECTIVES = 3;

export function extractObjectPhrases(caption: string, table: SynonymTable): ObjectPhrase[] {
  const tokens = tokenize(caption);
  const words = findObjectWords(caption, tokens, table);
  const objectToken = new Set(words.flatMap((w) => range(w.tokenStart, w.tokenEnd)));
  const groups: ObjectWord[][] = [];
  for (const w of words) {
    const last = groups.at(-1)?.at(-1);
    if (last && last.tokenEnd === w.tokenStart && !hasBreakBetween(caption, last.end, w.start)) {
      groups.at(-1)!.push(w);
    } else {
      groups.push([w]);
    }
  }
  return groups.map((g) => {
    const first = g[0]!;
    const head = g.at(-1)!;
    const { count, startToken } = claimedCount(caption, tokens, first.tokenStart, head, objectToken);
    const start = tokens[startToken]!.start;
    return {
      category: head.category,
      head: head.surface,
      headWord: head.word,
      plural: head.plural,
      text: caption.slice(start, head.end),
      start,
      headStart: head.start,
      end: head.end,
      tokenStart: startToken,
      tokenEnd: head.tokenEnd,
      count,
    };
  });
}

function claimedCount(
  caption: string,
  tokens: readonly Token[],
  firstToken: number,
  head: ObjectWord,
  objectToken: ReadonlySet<number>,
): { count: ClaimedCount; startToken: number } {
  const bare: ClaimedCount =
    head.plural && !isNumberNeutral(head.word) ? { kind: 'many' } : { kind: 'unspecified' };
  let skipped = 0;
  for (let j = firstToken - 1; j >= 0 && skipped <= MAX_ADJECTIVES; j--) {
    if (hasBreakBetween(caption, tokens[j]!.end, tokens[j + 1]!.start)) break;
    const t = tokens[j]!.text;
    if (t === 'of') return quantifierBefore(tokens, j) ?? { count: bare, startToken: firstToken };
    const n = numberWord(t);
    if (n !== undefined) return { count: { kind: 'exact', n, additive: t === 'another' }, startToken: j };
    if (VAGUE_PLURAL_QUANTIFIERS.has(t)) return { count: { kind: 'many' }, startToken: j };
    if (INDEFINITE_SINGULAR.has(t)) {
      const count: ClaimedCount = head.plural ? { kind: 'many' } : { kind: 'exact', n: 1, additive: false };
      return { count, startToken: j };
    }
    if (DEFINITE.has(t))
      return { count: head.plural ? { kind: 'many' } : { kind: 'definite' }, startToken: j };
    if (BOUNDARY.has(t) || objectToken.has(j)) break;
    skipped += 1;
  }
  return { count: bare, startToken: firstToken };
}

/** "a pair of", "two of", "a group of", "lots of": the quantifier before an "of" at index `of`. */
function quantifierBefore(
  tokens: readonly Token[],
  of: number,
): { count: ClaimedCount; startToken: number } | undefined {
  const q = tokens[of - 1]?.text;
  if (q === undefined) return undefined;
  const withArticle = INDEFINITE_SINGULAR.has(tokens[of - 2]?.text ?? '') ? of - 2 : of - 1;
  const n = numberWord(q);
  if (n !== undefined) return { count: { kind: 'exact', n, additive: false }, startToken: withArticle };
  if (VAGUE_PLURAL_QUANTIFIERS.has(q)) return { count: { kind: 'many' }, startToken: withArticle };
  return undefined;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}
