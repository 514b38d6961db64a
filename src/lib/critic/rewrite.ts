/**
 * The template engine's step: rewrites a caption from a critique, deterministically, in plain English.
 * In this order: correct counts ("a cat" → "two cats") and contradicted relations (left ↔ right), put a
 * missed object in the place of a hallucinated subject ("A dog lying on a couch" → "Two cats lying on a
 * couch"), remove the other hallucinated phrases with their connecting words ("… with a dog", "a dog and
 * …"), then add the remaining missed objects ("… with two remote controls" or "There are also …").
 * Word salad (caption-structure.ts) has nothing to edit: its rewrite is written from the confirmed evidence.
 */
import { cocoSupercategory } from '../evidence/fastestdet/coco-names';
import { captionStructure } from './caption-structure';
import type { Findings, Omission } from './critique';
import type { Evidence } from '../evidence/evidence';
import { captionFromEvidence } from './evidence-caption';
import type { ObjectPhrase } from '../vocabulary/object-phrases';
import { extractObjectPhrases } from '../vocabulary/object-phrases';
import { extractRelations } from './relations';
import type { SynonymTable } from '../vocabulary/synonyms';
import {
  DEFINITE,
  INDEFINITE_SINGULAR,
  VAGUE_PLURAL_QUANTIFIERS,
  countedCategory,
  countedNoun,
  indefiniteArticle,
  joinList,
  numberWord,
  pluralize,
  tokenize,
} from '../vocabulary/words';

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

const PLURAL_OF_VERB: Readonly<Record<string, string>> = { is: 'are', was: 'were', has: 'have' };
const SINGULAR_OF_VERB: Readonly<Record<string, string>> = { are: 'is', were: 'was', have: 'has' };

/** Makes "is/are, was/were, has/have" right after `pos` (subject) and "there is/are" before `start`. */
function agree(text: string, start: number, end: number, plural: boolean): string {
  const table = plural ? PLURAL_OF_VERB : SINGULAR_OF_VERB;
  const after = /^(\s+)(is|are|was|were|has|have)\b/i.exec(text.slice(end));
  let out = text;
  if (after?.[2] && table[after[2].toLowerCase()]) {
    const at = end + after[1]!.length;
    out = splice(out, at, at + after[2].length, table[after[2].toLowerCase()]!);
  }
  const before = /\b(?:there|here)(\s+)(is|are|was|were)\s+$/i.exec(out.slice(0, start));
  if (before?.[2] && table[before[2].toLowerCase()]) {
    const at = before.index + before[0].indexOf(before[1]!) + before[1]!.length;
    out = splice(out, at, at + before[2].length, table[before[2].toLowerCase()]!);
  }
  return out;
}

function isCountWord(t: string): boolean {
  return (
    INDEFINITE_SINGULAR.has(t) || numberWord(t) !== undefined || VAGUE_PLURAL_QUANTIFIERS.has(t) || t === 'of'
  );
}

/** "a tabby cat" → "two tabby cats": keeps the adjectives and the caption's own noun. */
function recount(text: string, p: ObjectPhrase, actual: number): string {
  const middle = tokenize(text.slice(p.start, p.headStart));
  let k = 0;
  while (k < middle.length && isCountWord(middle[k]!.text)) k++;
  const definite = middle[k] !== undefined && DEFINITE.has(middle[k]!.text);
  const adjectives = text.slice(p.start + (middle[k]?.start ?? p.headStart - p.start), p.headStart);
  const noun = actual > 1 ? pluralize(p.headWord) : p.headWord;
  const rest = `${adjectives}${noun}`;
  const phrase = definite
    ? rest
    : actual > 1
      ? countedNoun(actual, rest, rest)
      : `${indefiniteArticle(rest)} ${rest}`;
  const out = splice(text, p.start, p.end, phrase);
  return agree(out, p.start, p.start + phrase.length, actual > 1);
}

function fixCounts(text: string, f: Findings, removed: ReadonlySet<string>, table: SynonymTable): string {
  let out = text;
  for (const c of f.countMismatches) {
    if (removed.has(c.object) || c.actual < 1) continue;
    const phrases = extractObjectPhrases(out, table).filter((p) => p.category === c.object);
    const p =
      phrases.find((x) => x.text === c.text) ??
      phrases.find((x) => x.count.kind === 'exact' || x.count.kind === 'many');
    if (p) out = recount(out, p, c.actual);
  }
  return out;
}

const SWAP: Readonly<Record<string, string>> = { left: 'right', right: 'left' };

function fixRelations(text: string, f: Findings, table: SynonymTable): string {
  let out = text;
  for (const r of f.relationMismatches) {
    const stated = extractRelations(out, extractObjectPhrases(out, table)).find(
      (s) =>
        s.subject.category === r.subject &&
        s.relation === r.relation &&
        (s.object?.category ?? undefined) === r.object,
    );
    if (!stated) continue;
    const words = out.slice(stated.relationStart, stated.relationEnd);
    let replacement: string;
    if (r.relation.includes('left') || r.relation.includes('right')) {
      replacement = words.replace(/\b(left|right)\b/i, (w) => SWAP[w.toLowerCase()] ?? w);
    } else if (r.observed === 'under' || r.observed === 'on') {
      replacement = r.observed;
    } else {
      replacement = 'near';
    }
    out = splice(out, stated.relationStart, stated.relationEnd, replacement);
  }
  return out;
}

const PREPOSITION_BEFORE =
  /\s*\b(with|on|in|at|near|by|beside|behind|under|underneath|beneath|over|above|next to|in front of|on top of|atop|against|inside|holding|carrying|eating|riding|watching|playing with|looking at)\s+$/i;

/** An item of a list of objects starts with a determiner or a number ("a chair", "two cats"), not a verb. */
const LIST_ITEM = /^\s*(a|an|the|one|two|three|four|five|six|seven|eight|nine|ten|some|several|many|\d+)\s/i;

/**
 * After the last item of a list went: the list's last comma becomes the conjunction ("a person, a chair, a
 * toilet" → "a person, a chair and a toilet"), when what follows that comma is a list item, not a clause.
 */
function joinLastTwo(text: string, conjunction: string): string {
  const clause = sentenceStartOf(text, text.length);
  const comma = text.lastIndexOf(',');
  if (comma < clause || !LIST_ITEM.test(text.slice(comma + 1))) return text;
  if (/\b(and|or)\b/i.test(text.slice(comma + 1))) return text;
  return `${text.slice(0, comma)} ${conjunction.toLowerCase()}${text.slice(comma + 1)}`;
}

/** Removes a phrase with the words that tie it to the sentence, keeping a list a list. */
function removePhrase(text: string, start: number, end: number): string {
  const before = text.slice(0, start);
  const after = text.slice(end);
  let m: RegExpExecArray | null;
  // "…, a dog and [a car]": the list's new last item takes the "and".
  if ((m = /(\s*,\s*|\s+)(and|or)\s+$/i.exec(before)))
    return joinLastTwo(before.slice(0, m.index), m[2]!) + after;
  // "a person, [a chair] and a car": the item before takes the "and".
  if ((m = /^\s*,?\s*(and|or)\s+/i.exec(after))) {
    const comma = /\s*,\s*$/.exec(before);
    if (comma) return `${before.slice(0, comma.index)} ${m[1]!.toLowerCase()} ${after.slice(m[0].length)}`;
    return before + after.slice(m[0].length);
  }
  // "[a person], a chair and a car": the list goes on after the comma.
  if (
    (m = /^\s*,\s*/.exec(after)) &&
    /,|\b(and|or)\b/i.test(after.slice(m[0].length).split(/[.;!?]/)[0] ?? '')
  ) {
    return before + after.slice(m[0].length);
  }
  if ((m = /\s*,\s*$/.exec(before))) return before.slice(0, m.index) + after;
  if ((m = PREPOSITION_BEFORE.exec(before))) return before.slice(0, m.index) + after;
  return before + after;
}

/** Occurrences of a word the synonyms do not know (an LLM may call "blanket" hallucinated). */
function rawWordSpan(text: string, word: string): { start: number; end: number } | undefined {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`\\b(?:(?:a|an|the|one|two|three|some)\\s+)?${escaped}(?:e?s)?\\b`, 'i').exec(text);
  return m ? { start: m.index, end: m.index + m[0].length } : undefined;
}

/**
 * The missed object that takes a hallucinated subject's place: one of the same COCO supercategory if any
 * ("A dog is sleeping" → cats, not the couch), else the most salient. Removed from `omissions`.
 */
function takeSubstitute(omissions: Omission[], category: string): Omission | undefined {
  const kind = cocoSupercategory(category);
  const same = kind === undefined ? -1 : omissions.findIndex((o) => cocoSupercategory(o.object) === kind);
  return omissions.splice(same >= 0 ? same : 0, 1)[0];
}

/**
 * A caption that ends in a list of objects ("A picture of a bowl, a cup and a chair", "A scene with a car")
 * takes the missed objects as further items of that list, in its own phrasing; null when it does not end so.
 */
function extendList(body: string, items: readonly string[], table: SynonymTable): string | null {
  const last = extractObjectPhrases(body, table).at(-1);
  if (last === undefined || body.slice(last.end).trim() !== '') return null;
  const lead = body.slice(sentenceStartOf(body, last.start), last.start);
  const joined = /\s+and\s+$/i.exec(lead);
  if (joined === null && !/(\b(with|of)|,)\s+$/i.test(lead)) return null;
  const head =
    joined === null ? body : `${body.slice(0, last.start - joined[0].length)}, ${body.slice(last.start)}`;
  const rest = items
    .slice(0, -1)
    .map((item) => `, ${item}`)
    .join('');
  return `${head}${rest} and ${items.at(-1)!}`;
}

function tidy(text: string, endWithPeriod: boolean): string {
  let out = text
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/,\s*([,.;:!?])/g, '$1')
    .replace(/^[\s,.;:]+/, '')
    .trim();
  out = out.replace(/(^|[.!?]\s+)([a-z])/g, (_, pre: string, c: string) => pre + c.toUpperCase());
  if (endWithPeriod && !/[.!?]$/.test(out)) out += '.';
  return out;
}

function sentenceStartOf(text: string, pos: number): number {
  const m = /[.!?]\s+(?=[^.!?]*$)/.exec(text.slice(0, pos));
  return m ? m.index + m[0].length : 0;
}

/** `evidence` gives word salad's rewrite its counts and relation (without it: the critique's counts only). */
export function rewriteCaption(
  caption: string,
  f: Findings,
  table: SynonymTable,
  evidence?: Evidence,
): string {
  if (!captionStructure(caption, table).parseable) return captionFromEvidence(f, evidence);
  const removed = new Set(f.hallucinations.map((h) => h.object));
  const omissions = f.omissions.filter((o) => !removed.has(o.object));
  let text = caption.trim();
  text = fixCounts(text, f, removed, table);
  text = fixRelations(text, f, table);

  // A hallucinated subject (the first object of its sentence) is replaced by the most salient missed object.
  let subjectLost = false;
  for (let guard = 0; guard < 20; guard++) {
    const phrases = extractObjectPhrases(text, table);
    const victim = [...phrases].reverse().find((p) => removed.has(p.category));
    if (!victim) break;
    const sentenceStart = sentenceStartOf(text, victim.start);
    const isSubject = !phrases.some((p) => p.start >= sentenceStart && p.start < victim.start);
    const connected =
      /(,|\band|\bor)\s*$/i.test(text.slice(0, victim.start)) ||
      /^\s*,?\s*(and|or)\b/i.test(text.slice(victim.end)) ||
      // The first item of a list ("a person, a chair and a car"): the list stays, the item goes.
      (LIST_ITEM.test(text.slice(victim.end).replace(/^\s*,/, '')) && /^\s*,/.test(text.slice(victim.end)));
    if (isSubject && !connected) {
      const substitute = takeSubstitute(omissions, victim.category);
      if (substitute) {
        const phrase = countedCategory(substitute.count, substitute.object);
        text = splice(text, victim.start, victim.end, phrase);
        text = agree(text, victim.start, victim.start + phrase.length, substitute.count > 1);
        continue;
      }
      subjectLost = true;
    }
    text = removePhrase(text, victim.start, victim.end);
  }
  for (const h of f.hallucinations) {
    if (table.lookup.has(h.object) || table.categories.includes(h.object)) continue;
    const span = rawWordSpan(text, h.object);
    if (span) text = removePhrase(text, span.start, span.end);
  }

  const left = extractObjectPhrases(text, table);
  if (subjectLost || tokenize(text).length < 2) {
    const keep = [...new Set(left.map((p) => p.category))].map((c) => {
      const p = left.find((x) => x.category === c)!;
      return p.count.kind === 'exact' && p.count.n > 1
        ? countedCategory(p.count.n, c)
        : countedCategory(1, c);
    });
    const items = [...keep, ...omissions.map((o) => countedCategory(o.count, o.object))];
    return tidy(items.length > 0 ? `A photo of ${joinList(items)}.` : 'A photo.', true);
  }

  if (omissions.length > 0) {
    const items = omissions.map((o) => countedCategory(o.count, o.object));
    const list = joinList(items);
    const body = tidy(text, false).replace(/[.!?]+$/, '');
    const extended = extendList(body, items, table);
    if (extended !== null) return tidy(`${extended}.`, true);
    // "A photo of a couch with two cats"; but a caption with a verb or a "with" already gets a sentence of
    // its own, since "Two cats sleeping with a couch" would say something else.
    if (!/\b(with|is|are|was|were|\w{3,}ing)\b/i.test(body)) {
      text = `${body} with ${list}.`;
    } else {
      const verb = (omissions[0]?.count ?? 1) > 1 ? 'are' : 'is';
      text = `${body}. There ${verb} also ${list}.`;
    }
  }
  return tidy(text, true);
}
