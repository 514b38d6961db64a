/**
 * Injected hallucinations for the COCO bench: for each human caption, one version with an absent category
 * appended and one with a mentioned object swapped for an absent one. Absent categories are drawn with a fixed
 * seed from COCO co-occurrence, so they are plausible (a fork in a kitchen, not a giraffe): a category is drawn
 * in proportion to how many images hold it together with the image's own categories.
 */
import type { SeededRandom } from '../../src/lib/core/rng';
import { extractObjectWords } from '../../src/lib/vocabulary/object-words';
import type { SynonymTable } from '../../src/lib/vocabulary/synonyms';
import { countedCategory, displayName, pluralize } from '../../src/lib/vocabulary/words';

export type InjectionKind = 'append' | 'swap';

export interface InjectedCaption {
  readonly kind: InjectionKind;
  readonly caption: string;
  /** The absent category put in. */
  readonly injected: string;
  /** For a swap: the present category taken out. */
  readonly replaced?: string;
}

/** Images holding both categories, over the images given (each image: the set of its categories). */
export class CoOccurrence {
  readonly #pairs = new Map<string, number>();
  readonly #single = new Map<string, number>();

  constructor(images: Iterable<ReadonlySet<string>>) {
    for (const cats of images) {
      const list = [...cats];
      for (const a of list) {
        this.#single.set(a, (this.#single.get(a) ?? 0) + 1);
        for (const b of list)
          if (a !== b) this.#pairs.set(`${a}\n${b}`, (this.#pairs.get(`${a}\n${b}`) ?? 0) + 1);
      }
    }
  }

  count(a: string, b: string): number {
    return this.#pairs.get(`${a}\n${b}`) ?? 0;
  }

  /** Categories seen at all, most frequent first (ties by name, so the order is the same on every run). */
  categories(): string[] {
    return [...this.#single.entries()]
      .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
      .map(([c]) => c);
  }

  frequency(c: string): number {
    return this.#single.get(c) ?? 0;
  }
}

/**
 * An absent category drawn in proportion to its co-occurrence with `present` (its plain frequency when it never
 * co-occurs with any of them), never one of `exclude`; null when every category is excluded.
 */
export function drawAbsent(
  present: ReadonlySet<string>,
  exclude: ReadonlySet<string>,
  cooc: CoOccurrence,
  rng: SeededRandom,
): string | null {
  const candidates = cooc.categories().filter((c) => !exclude.has(c) && !present.has(c));
  if (candidates.length === 0) return null;
  let weights = candidates.map((c) => [...present].reduce((s, p) => s + cooc.count(p, c), 0));
  if (weights.every((w) => w === 0)) weights = candidates.map((c) => cooc.frequency(c));
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let i = 0; i < candidates.length; i++) {
    r -= weights[i]!;
    if (r < 0) return candidates[i]!;
  }
  return candidates.at(-1)!;
}

const withoutFinalStop = (caption: string): string => caption.trim().replace(/[\s.!]+$/, '');

/** "A man on a bench." + fork → "A man on a bench next to a fork." */
export function appendObject(caption: string, category: string): string {
  return `${withoutFinalStop(caption)} next to ${countedCategory(1, category)}.`;
}

/**
 * The first mention of a category in `present` replaced by `category` (plural where the mention was), or null
 * when the caption names none of them.
 */
export function swapObject(
  caption: string,
  present: ReadonlySet<string>,
  category: string,
  table: SynonymTable,
): { caption: string; replaced: string } | null {
  const word = extractObjectWords(caption, table).find((w) => present.has(w.category));
  if (!word) return null;
  const name = displayName(category);
  const put = word.plural ? pluralize(name) : name;
  return { caption: caption.slice(0, word.start) + put + caption.slice(word.end), replaced: word.category };
}

/** Both injected versions of each caption of one image, drawn from `rng` in caption order. */
export function injectCaptions(
  captions: readonly string[],
  present: ReadonlySet<string>,
  cooc: CoOccurrence,
  rng: SeededRandom,
  table: SynonymTable,
): InjectedCaption[] {
  const out: InjectedCaption[] = [];
  for (const caption of captions) {
    const named = new Set(extractObjectWords(caption, table).map((w) => w.category));
    const appended = drawAbsent(present, named, cooc, rng);
    if (appended !== null)
      out.push({ kind: 'append', caption: appendObject(caption, appended), injected: appended });
    const swapIn = drawAbsent(present, named, cooc, rng);
    const swapped = swapIn === null ? null : swapObject(caption, present, swapIn, table);
    if (swapIn !== null && swapped !== null)
      out.push({ kind: 'swap', caption: swapped.caption, injected: swapIn, replaced: swapped.replaced });
  }
  return out;
}
