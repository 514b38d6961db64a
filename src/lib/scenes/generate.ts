/**
 * The whole generator without I/O: sources → split → scene plans → ground truth, captions and the COCO files.
 * The Node edge (scripts/scenes-node.ts) reads the folders, decodes and encodes the images and writes the files.
 */
import type { CocoCategory, CocoInstances, SourceDataset } from './coco-types';
import { sceneCaptions } from './captions';
import type { VisibleObject } from './layout';
import { visibleObjects } from './layout';
import { maskToPolygons } from './mask-outline';
import type { BiasPair, SceneOptions, ScenePlan, SplitName } from './plan';
import { PROBE_SPLITS, SPLITS, planScene } from './plan';
import type { SourceSplit } from './source-split';
import { splitSources } from './source-split';
import { SceneRandom, deriveSeed } from './random';
import type { Background, Cutout } from './sources';
import { collectBackgrounds, collectCutouts, DEFAULT_CUTOUT_CRITERIA } from './sources';

export const GENERATOR_VERSION = 'capgrad-scenes/1';

export interface GenerateRequest {
  readonly datasets: readonly SourceDataset[];
  readonly options: SceneOptions;
  /** Scenes per split; a split with 0 is not written. */
  readonly counts: Readonly<Partial<Record<SplitName, number>>>;
  /** Minimum side of a background's object-free square, in source pixels. */
  readonly minBackgroundSide: number;
  /**
   * Background keys (`dataset:imageId`) not to use: photos whose object-free square the detector still sees
   * objects in (bench scenes-detector's `empty.backgroundsWithFalseObjects`).
   */
  readonly excludedBackgrounds?: readonly string[];
}

export interface PlannedScenes {
  readonly sources: SourceSplit;
  readonly categories: readonly CocoCategory[];
  readonly splits: ReadonlyArray<{ readonly split: SplitName; readonly plans: readonly ScenePlan[] }>;
}

export class SceneCategoryError extends Error {
  override readonly name = 'SceneCategoryError';
}

/** Category names → COCO categories, as the source folders name them. */
export function resolveCategories(
  datasets: readonly SourceDataset[],
  names: readonly string[],
): CocoCategory[] {
  const known = new Map<string, CocoCategory>();
  for (const d of datasets)
    for (const c of d.instances.categories) known.set(c.name, { id: c.id, name: c.name });
  return names.map((name) => {
    const c = known.get(name);
    if (!c)
      throw new SceneCategoryError(
        `Unknown category "${name}": the source folders' instances.json name ${known.size} categories, ` +
          `e.g. ${[...known.keys()].slice(0, 8).join(', ')}.`,
      );
    return c;
  });
}

export function planScenes(request: GenerateRequest): PlannedScenes {
  const { datasets, options } = request;
  const wanted = new Set(options.categories);
  const cutouts = collectCutouts(datasets, DEFAULT_CUTOUT_CRITERIA, wanted);
  const excluded = new Set(request.excludedBackgrounds ?? []);
  const backgrounds = collectBackgrounds(datasets, request.minBackgroundSide).filter(
    (b) => !excluded.has(b.key),
  );
  const sources = splitSources(cutouts, backgrounds, options);
  const names = new Map<number, string>();
  for (const d of datasets) for (const c of d.instances.categories) names.set(c.id, c.name);
  const categories = options.categories.map((id) => ({ id, name: names.get(id) ?? String(id) }));
  const splits = [...SPLITS, ...PROBE_SPLITS]
    .filter((s) => (request.counts[s] ?? 0) > 0)
    .map((split) => {
      const counters = options.bias.map(() => 0);
      const plans = Array.from({ length: request.counts[split]! }, (_, i) =>
        planScene(split, i, options, sources, counters),
      );
      return { split, plans };
    });
  return { sources, categories, splits };
}

export function sceneFileName(plan: ScenePlan, extension: string): string {
  return `${plan.split}-${String(plan.index).padStart(6, '0')}.${extension}`;
}

export interface SplitFiles {
  readonly instances: CocoInstances & { readonly info: object };
  readonly captions: {
    readonly info: object;
    readonly images: CocoInstances['images'];
    readonly annotations: Array<{ id: number; image_id: number; caption: string }>;
  };
}

/** Ground truth of a planned scene: the visible part of each object (every placed object keeps some). */
export function sceneObjects(plan: ScenePlan, size: number): VisibleObject[] {
  return visibleObjects(plan.placements, size).filter((o): o is VisibleObject => o.bbox !== null);
}

/** instances.json and captions.json of one split. */
export function splitFiles(
  plans: readonly ScenePlan[],
  options: SceneOptions,
  categories: readonly CocoCategory[],
  extension: string,
): SplitFiles {
  const names = new Map(categories.map((c) => [c.id, c.name]));
  const images = plans.map((p) => ({
    id: p.index + 1,
    file_name: sceneFileName(p, extension),
    width: options.size,
    height: options.size,
  }));
  const annotations: CocoInstances['annotations'][number][] = [];
  const captions: Array<{ id: number; image_id: number; caption: string }> = [];
  for (const plan of plans) {
    const objects = sceneObjects(plan, options.size);
    const imageId = plan.index + 1;
    for (const o of objects)
      annotations.push({
        id: annotations.length + 1,
        image_id: imageId,
        category_id: o.categoryId,
        bbox: o.bbox,
        area: o.area,
        iscrowd: 0,
        segmentation: maskToPolygons(o.mask),
      });
    const random = new SceneRandom(deriveSeed(options.seed, 'caption', plan.split, plan.index));
    for (const caption of sceneCaptions(objects, (id) => names.get(id) ?? String(id), random))
      captions.push({ id: captions.length + 1, image_id: imageId, caption });
  }
  const info = {
    description: `CapGrad composed scenes (${GENERATOR_VERSION}), split ${plans[0]?.split ?? ''}`,
  };
  return {
    instances: { info, images, annotations, categories: [...categories] },
    captions: { info, images, annotations: captions },
  };
}

function uses(plans: readonly ScenePlan[]) {
  const backgrounds = new Set<string>();
  const cutouts = new Set<string>();
  let min = Infinity;
  let max = 0;
  for (const p of plans) {
    backgrounds.add(p.background.key);
    for (const q of p.placements) cutouts.add(q.cutout.key);
    min = Math.min(min, p.placements.length);
    max = Math.max(max, p.placements.length);
  }
  return { backgrounds: [...backgrounds].sort(), cutouts: [...cutouts].sort(), min, max };
}

/** scenes.json: what was made, from what, with which settings. */
export function sceneManifest(planned: PlannedScenes, request: GenerateRequest, extension: string): object {
  const { options } = request;
  const name = (id: number) => planned.categories.find((c) => c.id === id)?.name ?? String(id);
  const pair = (p: BiasPair) => ({ a: { id: p.a, name: name(p.a) }, b: { id: p.b, name: name(p.b) } });
  const keys = (m: ReadonlyMap<number, readonly Cutout[]>) =>
    Object.fromEntries([...m].map(([id, list]) => [name(id), list.map((c) => c.key)]));
  const bgKeys = (list: readonly Background[]) => list.map((b) => b.key);
  return {
    generator: GENERATOR_VERSION,
    seed: options.seed,
    imageSize: options.size,
    format: extension,
    sources: request.datasets.map((d) => d.name),
    categories: planned.categories,
    bias: options.bias.map(pair),
    options: { ...options, minBackgroundSide: request.minBackgroundSide },
    excludedBackgrounds: [...(request.excludedBackgrounds ?? [])].sort(),
    cutouts: { train: keys(planned.sources.trainCutouts), heldout: keys(planned.sources.heldoutCutouts) },
    backgrounds: {
      train: bgKeys(planned.sources.trainBackgrounds),
      test: bgKeys(planned.sources.testBackgrounds),
    },
    splits: Object.fromEntries(
      planned.splits.map(({ split, plans }) => {
        const u = uses(plans);
        return [
          split,
          {
            count: plans.length,
            objects: { min: u.min, max: u.max, planned: options.objects[split] },
            backgroundSet:
              split === 'train' ? 'train' : split === 'single' || split === 'empty' ? 'train+test' : 'test',
            cutoutSet: split === 'heldout' ? 'heldout' : 'train',
            backgroundsUsed: u.backgrounds,
            cutoutsUsed: u.cutouts,
            ...(split === 'bias' || split === 'control'
              ? {
                  pairs: plans.map((p) => ({
                    file: sceneFileName(p, extension),
                    ...(p.pair ? pair(p.pair) : {}),
                  })),
                }
              : {}),
          },
        ];
      }),
    ),
  };
}
