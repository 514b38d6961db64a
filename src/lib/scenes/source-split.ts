/**
 * The split of the sources: cut-outs into training and held-out instances per category, background photos into
 * training and test photos, both by seed.
 */
import { SceneRandom, deriveSeed } from './random';
import type { Background, Cutout } from './sources';

/** The part of the scene options that decides which cut-outs and backgrounds each split may use. */
export interface SourceSplitOptions {
  readonly seed: number;
  readonly categories: readonly number[];
  /** Fraction of each category's cut-outs held out of `train` (at least one). */
  readonly heldoutFraction: number;
  /** Fraction of background photos kept for the test splits. */
  readonly testBackgroundFraction: number;
}

export interface SourceSplit {
  readonly trainCutouts: ReadonlyMap<number, readonly Cutout[]>;
  readonly heldoutCutouts: ReadonlyMap<number, readonly Cutout[]>;
  readonly trainBackgrounds: readonly Background[];
  readonly testBackgrounds: readonly Background[];
}

export class SceneSourcesError extends Error {
  override readonly name = 'SceneSourcesError';
}

/** Holds out instances per category and background photos, by seed. */
export function splitSources(
  cutouts: readonly Cutout[],
  backgrounds: readonly Background[],
  options: SourceSplitOptions,
): SourceSplit {
  const trainCutouts = new Map<number, Cutout[]>();
  const heldoutCutouts = new Map<number, Cutout[]>();
  for (const category of options.categories) {
    const all = cutouts.filter((c) => c.categoryId === category);
    if (all.length < 2)
      throw new SceneSourcesError(
        `Category ${category} has ${all.length} cut-out(s) in the source folders; at least 2 are needed ` +
          '(one to train on, one held out). Choose other --categories or add --data folders.',
      );
    const order = new SceneRandom(deriveSeed(options.seed, 'heldout', category)).permutation(all.length);
    const held = Math.max(1, Math.round(all.length * options.heldoutFraction));
    heldoutCutouts.set(
      category,
      order
        .slice(0, held)
        .map((i) => all[i]!)
        .sort(byKey),
    );
    trainCutouts.set(
      category,
      order
        .slice(held)
        .map((i) => all[i]!)
        .sort(byKey),
    );
  }
  if (backgrounds.length < 2)
    throw new SceneSourcesError(
      `Only ${backgrounds.length} photo(s) have an object-free square large enough for a background; ` +
        'at least 2 are needed (one for training, one for the test splits).',
    );
  // Each photo's side is decided by a hash of its key alone, so that leaving some backgrounds out (--exclude-
  // backgrounds) moves no other photo between training and test.
  const ranked = backgrounds
    .map((b) => ({ b, u: deriveSeed(options.seed, 'background', b.key) / 2 ** 32 }))
    .sort((p, q) => p.u - q.u || (p.b.key < q.b.key ? -1 : 1));
  const test = Math.min(
    ranked.length - 1,
    Math.max(1, ranked.filter((r) => r.u < options.testBackgroundFraction).length),
  );
  return {
    trainCutouts,
    heldoutCutouts,
    testBackgrounds: ranked
      .slice(0, test)
      .map((r) => r.b)
      .sort(byKey),
    trainBackgrounds: ranked
      .slice(test)
      .map((r) => r.b)
      .sort(byKey),
  };
}

const byKey = (p: { key: string }, q: { key: string }) => (p.key < q.key ? -1 : p.key > q.key ? 1 : 0);
