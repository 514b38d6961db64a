/**
 * NLTK 3.2.5's `word_tokenize` (Apache-2.0), as CHAIR's reference code (LisaAnne/Hallucination
 * utils/chair.py, which pins nltk 3.2.5) calls it on a lower-cased caption: Punkt splits sentences, then the
 * "improved" Treebank tokenizer splits each one. Hand-written because its token boundaries decide which
 * objects the reference finds, and no npm tokenizer reproduces them: "hot-dog", "dog/cat", "dog.cat" and
 * "dog.." stay single tokens (and so name nothing), a period is split off only at a sentence's end, commas
 * only before a non-digit, "dog's" becomes "dog" + "'s", quotes and brackets always come off.
 *
 * What is simplified, and why it cannot change an object word: Punkt is not run. Every place where Punkt
 * *considers* a break (a `.`, `?` or `!` followed by whitespace or by one of `?!)";}]*:@'({[`) is taken as a
 * break, with Punkt's realignment of closing quotes and brackets. Punkt declines such a break only after a
 * token it takes for an abbreviation ("st.", "mr.", "u.s."), an initial, a number or an ellipsis; then it
 * keeps that token's period attached, and we split it off instead. That changes only that token, and none of
 * those is an object word or part of a double word: tools/make_chair_parity.py checks that no Punkt
 * abbreviation singularizes to one, and the parity test checks the whole pipeline on 576 captions.
 *
 * Python `re` differences handled here: `$` also matches before a final newline (`PY_END`); `re.sub`
 * replaces every match (the `g` flag). `\d` and `\b` are ASCII in JavaScript and Unicode in Python 3, as in
 * the reference's Python 2 without re.UNICODE: they differ only on non-ASCII digits and letters.
 */

/** A token and its offsets in the text it was cut from. */
export interface NltkToken {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Python's `$` without MULTILINE: the end, or just before a final newline. */
const PY_END = '(?=\\n?$)';

// Punkt (nltk/tokenize/punkt.py, PunktLanguageVars): where it considers a sentence break.
const PERIOD_CONTEXT = /\S*[.?!](?=((?:[?!)";}\]*:@'({[])|\s+(\S+)))/g;
// Closing punctuation after a break that belongs to the sentence before it ("(Sent1.) Sent2.").
const BOUNDARY_REALIGNMENT = /["')\]}]+?(?:\s+|(?=--)|$)/my;

type Rule = readonly [RegExp, string];

// TreebankWordTokenizer as word_tokenize uses it: the "improved" quote and final-period rules of
// nltk/tokenize/__init__.py are inserted first in their lists.
const STARTING_QUOTES: readonly Rule[] = [
  [/([«“‘])/g, ' $1 '],
  [/^"/, '``'],
  [/(``)/g, ' $1 '],
  [/([ ([{<])"/g, '$1 `` '],
];
const PUNCTUATION: readonly Rule[] = [
  [new RegExp(`([^\\.])(\\.)([\\]\\)}>"'»”’ ]*)\\s*${PY_END}`), '$1 $2 $3 '],
  [/([:,])([^\d])/g, ' $1 $2'],
  [new RegExp(`([:,])${PY_END}`), ' $1 '],
  [/\.\.\./g, ' ... '],
  [/[;@#$%&]/g, ' $& '],
  [new RegExp(`([^\\.])(\\.)([\\]\\)}>"']*)\\s*${PY_END}`), '$1 $2$3 '],
  [/[?!]/g, ' $& '],
  [/([^'])' /g, "$1 ' "],
];
const PARENS_BRACKETS: Rule = [/[\][(){}<>]/g, ' $& '];
const DOUBLE_DASHES: Rule = [/--/g, ' -- '];
const ENDING_QUOTES: readonly Rule[] = [
  [/([»”’])/g, ' $1 '],
  [/"/g, " '' "],
  [/(\S)('')/g, '$1 $2 '],
  [/([^' ])('[sS]|'[mM]|'[dD]|') /g, '$1 $2 '],
  [/([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) /g, '$1 $2 '],
];
// MacIntyre's contractions ("cannot" → "can not"); only these two lists are applied by tokenize().
const CONTRACTIONS: readonly RegExp[] = [
  /\b(can)(not)\b/gi,
  /\b(d)('ye)\b/gi,
  /\b(gim)(me)\b/gi,
  /\b(gon)(na)\b/gi,
  /\b(got)(ta)\b/gi,
  /\b(lem)(me)\b/gi,
  /\b(mor)('n)\b/gi,
  /\b(wan)(na)\s/gi,
  / ('t)(is)\b/gi,
  / ('t)(was)\b/gi,
];

function applyRules(text: string, rules: readonly Rule[]): string {
  return rules.reduce((t, [re, sub]) => t.replace(re, sub), text);
}

/** TreebankWordTokenizer.tokenize on one sentence (the tokens; quotes come out as `` and ''). */
export function treebankTokenize(sentence: string): string[] {
  let text = applyRules(sentence, STARTING_QUOTES);
  text = applyRules(text, PUNCTUATION);
  text = applyRules(text, [PARENS_BRACKETS, DOUBLE_DASHES]);
  text = ` ${text} `;
  text = applyRules(text, ENDING_QUOTES);
  for (const re of CONTRACTIONS) text = text.replace(re, ' $1 $2 ');
  return text.split(/\s+/).filter((t) => t.length > 0);
}

/** Punkt's sentence spans with a break at every candidate (see the file comment), realigned as Punkt does. */
export function sentenceSpans(text: string): Array<readonly [number, number]> {
  const slices: Array<[number, number]> = [];
  let lastBreak = 0;
  for (const m of text.matchAll(PERIOD_CONTEXT)) {
    const end = m.index + m[0].length;
    slices.push([lastBreak, end]);
    const afterTok = m[1]!;
    const nextTok = m[2];
    lastBreak = nextTok ? end + afterTok.length - nextTok.length : end;
  }
  slices.push([lastBreak, text.trimEnd().length]);
  // _realign_boundaries: closing punctuation at the start of a sentence moves to the one before.
  const out: Array<readonly [number, number]> = [];
  let realign = 0;
  for (let i = 0; i < slices.length; i++) {
    const [start1, stop1] = slices[i]!;
    const s1: [number, number] = [start1 + realign, stop1];
    const next = slices[i + 1];
    if (!next) {
      if (s1[1] > s1[0]) out.push(s1);
      continue;
    }
    BOUNDARY_REALIGNMENT.lastIndex = 0;
    const m = BOUNDARY_REALIGNMENT.exec(text.slice(next[0], next[1]));
    if (m) {
      out.push([s1[0], next[0] + m[0].trimEnd().length]);
      realign = m[0].length;
    } else {
      realign = 0;
      if (s1[1] > s1[0]) out.push(s1);
    }
  }
  return out;
}

const QUOTE_TOKENS = new Set(['``', "''"]);

/**
 * `nltk.word_tokenize(text)` with each token's offsets in `text`, found by searching for it after the
 * previous one (as NLTK's span_tokenize does). The quote tokens `` and '' may stand for a `"`: they take the
 * first `"`, `` or '' ahead. A token not found (none should be) gets an empty span where the search stands.
 */
export function nltkWordTokenize(text: string): NltkToken[] {
  const tokens: NltkToken[] = [];
  for (const [start, end] of sentenceSpans(text)) {
    let cursor = start;
    for (const token of treebankTokenize(text.slice(start, end))) {
      const [at, length] = QUOTE_TOKENS.has(token)
        ? findQuote(text, cursor, end)
        : [text.indexOf(token, cursor), token.length];
      if (at < 0 || at + length > end) {
        tokens.push({ text: token, start: cursor, end: cursor });
        continue;
      }
      tokens.push({ text: token, start: at, end: at + length });
      cursor = at + length;
    }
  }
  return tokens;
}

function findQuote(text: string, from: number, end: number): [number, number] {
  const m = /"|``|''/g;
  m.lastIndex = from;
  const found = m.exec(text);
  return found && found.index < end ? [found.index, found[0].length] : [-1, 0];
}
