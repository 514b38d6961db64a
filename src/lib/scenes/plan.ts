/**
 * Which scenes to make (the split of cut-outs and backgrounds between training and test is source-split.ts):
 * the categories of each scene (with the planted co-occurrence bias in `train`), and where each cut-out
 * goes (scale, position, flip) so that every object stays mostly visible.
 */
import type { Placement } from './layout';
import { visibleObjects } from './layout';
import { SceneRandom, deriveSeed } from './random';
import type { SourceSplit, SourceSplitOptions } from './source-split';
import { SceneSourcesError } from './source-split';
import type { Background, Cutout } from './sources';

export interface BiasPair {
  /** COCO category ids: in `train`, B is in at least `biasRate` of the scenes that hold A. */
  readonly a: number;
  readonly b: number;
}

export const SPLITS = ['train', 'simple', 'complex', 'bias', 'control', 'heldout'] as const;
/**
 * Measurement splits (not part of a dataset): `single`, one training cut-out per scene, categories and size bins
 * in turn; `empty`, backgrounds alone, every photo in turn. bench/scenes-detector.mjs runs the detector on them.
 */
export const PROBE_SPLITS = ['single', 'empty'] as const;
export type SplitName = (typeof SPLITS)[number] | (typeof PROBE_SPLITS)[number];

/** Size bins of the `single` probe: the object's longer side as a fraction of the scene side. */
export const PROBE_SIZE_BINS: ReadonlyArray<readonly [number, number]> = Object.freeze([
  [0.2, 0.3],
  [0.3, 0.45],
  [0.45, 0.65],
  [0.65, 0.85],
]);

export interface SceneOptions extends SourceSplitOptions {
  /** Scene side in pixels (square scenes). */
  readonly size: number;
  readonly bias: readonly BiasPair[];
  /** Fraction of `train` scenes with A that also hold B (spread evenly, not drawn). */
  readonly biasRate: number;
  /** Object's longer side as a fraction of the scene side, for one object alone; smaller in busy scenes. */
  readonly scaleMin: number;
  readonly scaleMax: number;
  /** Every object keeps at least this fraction of its pasted pixels visible. */
  readonly minVisible: number;
  /** Strength of the per-object and per-background colour jitter (0: none). */
  readonly colourJitter: number;
  /** Object counts per split, inclusive. */
  readonly objects: Readonly<Record<SplitName, readonly [number, number]>>;
}

export const DEFAULT_OBJECT_COUNTS: Readonly<Record<SplitName, readonly [number, number]>> = Object.freeze({
  train: [1, 6],
  simple: [1, 2],
  complex: [4, 6],
  bias: [1, 3],
  control: [1, 3],
  heldout: [1, 6],
  single: [1, 1],
  empty: [0, 0],
});

export interface ColourJitter {
  /** Per-channel gain and a contrast factor around mid-grey. */
  readonly gain: readonly [number, number, number];
  readonly contrast: number;
}

export interface ScenePlan {
  readonly split: SplitName;
  readonly index: number;
  readonly background: Background;
  /** Sub-square of the background's square, [x, y, side, side] in source pixels, and its flip. */
  readonly backgroundCrop: readonly [number, number, number, number];
  readonly backgroundFlip: boolean;
  readonly backgroundColour: ColourJitter;
  readonly placements: readonly Placement[];
  readonly colours: readonly ColourJitter[];
  /** The pair a `bias` or `control` scene was made for. */
  readonly pair?: BiasPair;
}

/**
 * Categories of one scene, in paste order. `train`: uniform draws, then each bias pair enforced by a fixed
 * schedule (the k-th scene holding A lacks B only when ⌊(k+1)(1−rate)⌋ > ⌊k(1−rate)⌋, so the rate holds exactly
 * for any number of scenes, not just on average). `bias`: A, then others that are not B. `control`: neither A
 * nor B of any pair. Other splits: uniform draws.
 */
export function planCategories(
  split: SplitName,
  index: number,
  count: number,
  options: SceneOptions,
  random: SceneRandom,
  biasCounters: number[],
): { categories: number[]; pair?: BiasPair } {
  const all = options.categories;
  if (split === 'bias' || split === 'control') {
    const pair = options.bias.length > 0 ? options.bias[index % options.bias.length]! : undefined;
    if (split === 'bias' && pair) {
      const others = all.filter((c) => c !== pair.b);
      return { categories: [pair.a, ...Array.from({ length: count - 1 }, () => random.pick(others))], pair };
    }
    const excluded = new Set(options.bias.flatMap((p) => [p.a, p.b]));
    const rest = all.filter((c) => !excluded.has(c));
    if (rest.length === 0)
      throw new SceneSourcesError('The control split needs a category that is in no bias pair.');
    return { categories: Array.from({ length: count }, () => random.pick(rest)), ...(pair ? { pair } : {}) };
  }
  const categories = Array.from({ length: count }, () => random.pick(all));
  if (split === 'single') return { categories: [all[index % all.length]!] };
  if (split !== 'train') return { categories };
  options.bias.forEach((pair, p) => {
    if (!categories.includes(pair.a)) return;
    const k = biasCounters[p]!;
    biasCounters[p] = k + 1;
    const drop = 1 - options.biasRate;
    const withoutB = Math.floor((k + 1) * drop + 1e-9) > Math.floor(k * drop + 1e-9);
    if (withoutB) {
      const others = all.filter((c) => c !== pair.a && c !== pair.b);
      for (let i = 0; i < categories.length; i++)
        if (categories[i] === pair.b) categories[i] = random.pick(others);
    } else if (!categories.includes(pair.b)) {
      const replaceable = categories.map((c, i) => (c === pair.a ? -1 : i)).filter((i) => i >= 0);
      if (replaceable.length > 0) categories[random.pick(replaceable)] = pair.b;
      else if (categories.length < options.objects.train[1]) categories.push(pair.b);
      else categories[categories.length - 1] = pair.b; // all A at the maximum count: one A gives way (≥ 1 stays)
    }
  });
  return { categories };
}

/** Longer side over scene side for the i-th object of a scene with `count` objects: smaller when busy. */
function scaleRange(options: SceneOptions, count: number): [number, number] {
  const shrink = count <= 1 ? 1 : count <= 3 ? 0.85 : 0.7;
  const max = Math.max(options.scaleMin, options.scaleMax * shrink);
  return [options.scaleMin, max];
}

function jitter(random: SceneRandom, strength: number): ColourJitter {
  const g = () => 1 + random.uniform(strength * 0.5);
  return { gain: [g(), g(), g()], contrast: 1 + random.uniform(strength) };
}

const PLACEMENT_TRIES = 40;

/** The `single` probe's scale range for a scene: size bins in turn, each over all categories. */
export function probeScale(index: number, categoryCount: number): { scaleMin: number; scaleMax: number } {
  const [scaleMin, scaleMax] = PROBE_SIZE_BINS[Math.floor(index / categoryCount) % PROBE_SIZE_BINS.length]!;
  return { scaleMin, scaleMax };
}

/** Places the cut-outs one by one; an object that cannot be placed visibly enough after shrinking is left out. */
export function planPlacements(
  cutouts: readonly Cutout[],
  options: SceneOptions,
  random: SceneRandom,
): Placement[] {
  const placed: Placement[] = [];
  const [lo, hi] = scaleRange(options, cutouts.length);
  const size = options.size;
  for (const cutout of cutouts) {
    const [, , rw, rh] = cutout.rect;
    let fraction = random.between(lo, hi);
    let done = false;
    for (let shrink = 0; shrink < 3 && !done; shrink++, fraction *= 0.85) {
      const scale = (fraction * size) / Math.max(rw, rh);
      const w = rw * scale;
      const h = rh * scale;
      if (w > size || h > size) continue;
      for (let t = 0; t < PLACEMENT_TRIES && !done; t++) {
        const candidate: Placement = {
          cutout,
          x: Math.round(random.between(0, size - w) * 100) / 100,
          y: Math.round(random.between(0, size - h) * 100) / 100,
          scale,
          flip: random.next() < 0.5,
        };
        const objects = visibleObjects([...placed, candidate], size);
        if (objects.every((o) => o.bbox !== null && o.area >= options.minVisible * o.pastedArea)) {
          placed.push(candidate);
          done = true;
        }
      }
    }
  }
  return placed;
}

/** Plans one scene: its categories, cut-outs, background and placements. */
export function planScene(
  split: SplitName,
  index: number,
  options: SceneOptions,
  sources: SourceSplit,
  biasCounters: number[],
): ScenePlan {
  const random = new SceneRandom(deriveSeed(options.seed, 'scene', split, index));
  const [minCount, maxCount] = options.objects[split];
  const count = random.int(minCount, maxCount);
  const { categories: drawn, pair } = planCategories(split, index, count, options, random, biasCounters);
  // The objects a split's bias contract rests on are placed first, on the emptiest canvas, so that they are never
  // the ones left out when a busy scene has no room (the first two always fit).
  const required = new Set(
    split === 'train' ? options.bias.flatMap((p) => [p.a, p.b]) : split === 'bias' && pair ? [pair.a] : [],
  );
  const categories = [...drawn.filter((c) => required.has(c)), ...drawn.filter((c) => !required.has(c))];
  const pools = split === 'heldout' ? sources.heldoutCutouts : sources.trainCutouts;
  const cutouts = categories.map((c) => random.pick(pools.get(c) ?? []));
  const allBackgrounds = [...sources.trainBackgrounds, ...sources.testBackgrounds];
  const background =
    split === 'empty'
      ? allBackgrounds[index % allBackgrounds.length]!
      : split === 'single'
        ? random.pick(allBackgrounds)
        : random.pick(split === 'train' ? sources.trainBackgrounds : sources.testBackgrounds);
  const [bx, by, side] = background.rect;
  const cropSide = Math.round(side * random.between(0.75, 1));
  const backgroundCrop: [number, number, number, number] = [
    bx + random.int(0, side - cropSide),
    by + random.int(0, side - cropSide),
    cropSide,
    cropSide,
  ];
  const backgroundFlip = random.next() < 0.5;
  const backgroundColour = jitter(random, options.colourJitter);
  const placements =
    split === 'single'
      ? planPlacements(cutouts, { ...options, ...probeScale(index, options.categories.length) }, random)
      : planPlacements(cutouts, options, random);
  const colours = placements.map(() => jitter(random, options.colourJitter));
  return {
    split,
    index,
    background,
    backgroundCrop,
    backgroundFlip,
    backgroundColour,
    placements,
    colours,
    ...(pair ? { pair } : {}),
  };
}
