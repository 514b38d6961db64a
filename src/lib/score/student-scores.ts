/**
 * How well a student's captions match exact ground truth (a COCO instances JSON, e.g. one split of the
 * composed scenes): the figures of `npm run bench -- student` and of the trained student's model card.
 *
 * - object recall: per image, the annotated categories the caption names / the annotated categories
 *   (`recall` is the mean over images with at least one object; `recallMicro` pools all images);
 * - CHAIR-i and CHAIR-s, by chair.ts (the CHAIR synonym list decides what a word names);
 * - count accuracy: among the caption's noun phrases that state an exact number ("two cats", "a cat") of a
 *   category that is present, the share whose number equals the annotated instance count; a count of an
 *   absent category is a hallucination, which CHAIR already scores;
 * - for a planted co-occurrence bias (A → B): the share of captions that name B, among images that hold A
 *   and not B (the `bias` split) and among images that hold neither (the `control` split).
 */
import { extractObjectPhrases } from '../vocabulary/object-phrases';
import { namedCategories } from '../vocabulary/object-words';
import type { SynonymTable } from '../vocabulary/synonyms';
import { CocoAnnotationsError, computeChair, parseCocoInstances } from './chair';

/** One image's caption, by COCO image id. */
export interface ImageCaption {
  readonly imageId: number;
  readonly caption: string;
}

export interface SplitScores {
  readonly images: number;
  /** Mean over images with ≥ 1 annotated object of (categories named / categories present). */
  readonly recall: number;
  /** All categories named over all categories present, pooled over images. */
  readonly recallMicro: number;
  readonly chairI: number;
  readonly chairS: number;
  /** Object words in all captions (CHAIR's mentions), and those naming an absent category. */
  readonly mentions: number;
  readonly hallucinatedMentions: number;
  /** The hallucinated mentions by the category they name, most first: which objects the student invents. */
  readonly hallucinatedByCategory: Readonly<Record<string, number>>;
  /** Exact counts stated of present categories, and how many were right; accuracy null when none. */
  readonly counts: { readonly stated: number; readonly correct: number; readonly accuracy: number | null };
}

/** Per image: annotated category (through the synonym list) → instances. */
export type InstanceCounts = ReadonlyMap<number, ReadonlyMap<string, number>>;

/** Instance counts per image and category of a COCO instances JSON (validated by parseCocoInstances). */
export function instanceCounts(json: unknown, table: SynonymTable): InstanceCounts {
  parseCocoInstances(json, table);
  const j = json as {
    images: { id: number }[];
    annotations: { image_id: number; category_id: number }[];
    categories: { id: number; name: string }[];
  };
  const names = new Map(j.categories.map((c) => [c.id, canonicalCategory(c.name, table)]));
  const counts = new Map<number, Map<string, number>>(j.images.map((im) => [im.id, new Map()]));
  for (const a of j.annotations) {
    const perImage = counts.get(a.image_id) ?? new Map<string, number>();
    const name = names.get(a.category_id)!;
    perImage.set(name, (perImage.get(name) ?? 0) + 1);
    counts.set(a.image_id, perImage);
  }
  return counts;
}

/** A COCO category name as the synonym list spells its category ("motorbike" → "motorcycle"). */
export function canonicalCategory(name: string, table: SynonymTable): string {
  const lower = name.toLowerCase();
  return table.lookup.get(lower) ?? lower;
}

/** Scores the captions of one split against its instances JSON. Every caption's image must be annotated. */
export function scoreSplit(
  instancesJson: unknown,
  captions: readonly ImageCaption[],
  table: SynonymTable,
): SplitScores {
  const truth = parseCocoInstances(instancesJson, table);
  const counts = instanceCounts(instancesJson, table);
  const chair = computeChair(captions, truth, table);
  let recallSum = 0;
  let imagesWithObjects = 0;
  let named = 0;
  let present = 0;
  let stated = 0;
  let correct = 0;
  for (const { imageId, caption } of captions) {
    const gt = truth.objectsByImageId.get(imageId)!;
    const inCaption = namedCategories(caption, table);
    const hits = [...gt].filter((c) => inCaption.has(c)).length;
    if (gt.size > 0) {
      recallSum += hits / gt.size;
      imagesWithObjects += 1;
    }
    named += hits;
    present += gt.size;
    const annotated = counts.get(imageId) ?? new Map<string, number>();
    for (const phrase of extractObjectPhrases(caption, table)) {
      const actual = annotated.get(phrase.category);
      if (phrase.count.kind !== 'exact' || phrase.count.additive || actual === undefined) continue;
      stated += 1;
      if (phrase.count.n === actual) correct += 1;
    }
  }
  return {
    images: captions.length,
    recall: imagesWithObjects === 0 ? 0 : recallSum / imagesWithObjects,
    recallMicro: present === 0 ? 0 : named / present,
    chairI: chair.chairI,
    chairS: chair.chairS,
    mentions: chair.mentions,
    hallucinatedMentions: chair.hallucinatedMentions,
    hallucinatedByCategory: byCategory(chair.sentences.flatMap((c) => c.hallucinated.map((w) => w.category))),
    counts: { stated, correct, accuracy: stated === 0 ? null : correct / stated },
  };
}

function byCategory(categories: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const c of categories) counts.set(c, (counts.get(c) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)));
}

/**
 * Hallucinated mentions of B in images that hold A: how much of a split's CHAIR-i is the planted pair itself
 * (any split may hold A without B; the student was taught to name B beside A).
 */
export function plantedBiasMentions(pair: BiasPair, split: ScoredSplit, table: SynonymTable): number {
  const a = canonicalCategory(pair.a, table);
  const b = canonicalCategory(pair.b, table);
  const truth = parseCocoInstances(split.instances, table);
  return computeChair(split.captions, truth, table)
    .sentences.filter((s) => truth.objectsByImageId.get(s.imageId)?.has(a))
    .reduce((n, s) => n + s.hallucinated.filter((w) => w.category === b).length, 0);
}

/** A planted pair: in training, B is in the scenes that hold A. Names are COCO category names. */
export interface BiasPair {
  readonly a: string;
  readonly b: string;
}

export interface BiasRates {
  readonly a: string;
  readonly b: string;
  /** Images of the bias split that hold A and not B, and the share of their captions naming B. */
  readonly biasImages: number;
  readonly biasRate: number;
  /** Images of the control split that hold neither, and the share of their captions naming B. */
  readonly controlImages: number;
  readonly controlRate: number;
  /** biasRate / controlRate; null when the control never names B (the ratio is unbounded). */
  readonly ratio: number | null;
}

/** One split's instances and captions. */
export interface ScoredSplit {
  readonly instances: unknown;
  readonly captions: readonly ImageCaption[];
}

/** The rate at which B is named with A present and B absent (`bias`), and with neither (`control`). */
export function biasRates(
  pair: BiasPair,
  bias: ScoredSplit,
  control: ScoredSplit,
  table: SynonymTable,
): BiasRates {
  const a = canonicalCategory(pair.a, table);
  const b = canonicalCategory(pair.b, table);
  const share = (split: ScoredSplit, keep: (objects: ReadonlySet<string>) => boolean) => {
    const truth = parseCocoInstances(split.instances, table);
    let images = 0;
    let naming = 0;
    for (const { imageId, caption } of split.captions) {
      const objects = truth.objectsByImageId.get(imageId);
      if (objects === undefined) throw new CocoAnnotationsError(`No annotations for image ${imageId}.`);
      if (!keep(objects)) continue;
      images += 1;
      if (namedCategories(caption, table).has(b)) naming += 1;
    }
    return { images, rate: images === 0 ? 0 : naming / images };
  };
  const withA = share(bias, (o) => o.has(a) && !o.has(b));
  const neither = share(control, (o) => !o.has(a) && !o.has(b));
  return {
    a,
    b,
    biasImages: withA.images,
    biasRate: withA.rate,
    controlImages: neither.images,
    controlRate: neither.rate,
    ratio: neither.rate === 0 ? null : withA.rate / neither.rate,
  };
}
