/**
 * Whether a caption has a sentence structure the template rewrite can edit, or is word salad (what an
 * untrained or broken student writes: "tru tru tru drawn pizza tru tru", "standing standing standing food
 * car standing people field"). Editing word salad in place keeps the salad and appends to it ("tru tru tru …
 * with two cats."), so the rewrite writes such a caption anew from the evidence instead.
 *
 * A caption is word salad when it repeats itself the way sentences do not:
 * - a content word (any word but the function words below) three times or more, or
 * - a word right after itself ("people people", "an an") at two or more places, or
 * - no object named at all (given the synonym table), and a word right after itself or two content words
 *   twice each ("lying tre to tre riding blue blue riding"): with no object there is no phrase to edit, and
 *   the repetition says the decoder looped. One word twice is left alone ("a city street with a street
 *   sign" names no COCO object but is a sentence).
 * Both are tell-tales of a decoder looping on a few tokens; a sentence a person or an LLM writes, even a long
 * one ("a man holding a racket next to a man with a ball"), names a thing at most twice and never stutters
 * twice. What this does not catch (a varied string of caption words with no grammar) is left to the
 * critique's own findings.
 */
import { extractObjectWords } from '../vocabulary/object-words';
import type { SynonymTable } from '../vocabulary/synonyms';
import { tokenize } from '../vocabulary/words';

/** Words a sentence may repeat at will: articles, numbers, prepositions, conjunctions, pronouns, auxiliaries. */
const FUNCTION_WORDS = new Set([
  ...['a', 'an', 'the', 'this', 'that', 'these', 'those', 'some', 'other', 'another', 'each', 'its'],
  ...['his', 'her', 'their', 'one', 'two', 'three', 'four', 'five', 'of', 'on', 'in', 'at', 'to', 'by'],
  ...['with', 'near', 'next', 'from', 'for', 'into', 'onto', 'over', 'under', 'up', 'down', 'and', 'or'],
  ...['while', 'as', 'is', 'are', 'was', 'were', 'be', 'has', 'have', 'it', 'they', 'he', 'she', 'there'],
  ...['front', 'top', 'side', 'back', 'of'],
]);

/** How often a content word may appear, and at how many places a word may follow itself. */
const MAX_CONTENT_REPEATS = 2;
const MAX_STUTTERS = 1;

export interface CaptionStructure {
  /** False for word salad (see the module comment). */
  readonly parseable: boolean;
  /** Why not, in words (for logs and tests); absent when parseable. */
  readonly reason?: string;
}

/** `table`, when given, adds the third rule (no object named and any repetition). */
export function captionStructure(caption: string, table?: SynonymTable): CaptionStructure {
  const words = tokenize(caption).map((t) => t.text);
  const counts = new Map<string, number>();
  let stutters = 0;
  words.forEach((w, i) => {
    if (!FUNCTION_WORDS.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
    if (i > 0 && words[i - 1] === w) stutters++;
  });
  const repeated = [...counts].find(([, n]) => n > MAX_CONTENT_REPEATS);
  if (repeated) return { parseable: false, reason: `"${repeated[0]}" ${repeated[1]} times` };
  if (stutters > MAX_STUTTERS)
    return { parseable: false, reason: `a word right after itself ${stutters} times` };
  const twice = [...counts].filter(([, n]) => n > 1).map(([w]) => w);
  const loops = stutters > 0 || twice.length > 1;
  if (table !== undefined && loops && extractObjectWords(caption, table).length === 0) {
    const what =
      stutters > 0 ? 'a word right after itself' : `${twice.map((w) => `"${w}"`).join(', ')} twice`;
    return { parseable: false, reason: `no object named, and ${what}` };
  }
  return { parseable: true };
}
