/**
 * The scene generator's Node edge (run by scripts/scenes.mjs through Vite's SSR loader, as bench/*.ts files are):
 * reads the COCO folders, decodes the photos it needs once with sharp, renders the planned scenes
 * (src/lib/scenes) and writes the folder contract of issue 12: OUT/scenes.json, OUT/<split>/images/*.png,
 * OUT/<split>/instances.json, OUT/<split>/captions.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { RasterImage } from '../src/lib/evidence/raster';
import type { SourceDataset } from '../src/lib/scenes/coco-types';
import type { GenerateRequest } from '../src/lib/scenes/generate';
import {
  planScenes,
  resolveCategories,
  sceneFileName,
  sceneManifest,
  splitFiles,
} from '../src/lib/scenes/generate';
import type { SceneOptions, SplitName } from '../src/lib/scenes/plan';
import { DEFAULT_OBJECT_COUNTS, PROBE_SPLITS, SPLITS } from '../src/lib/scenes/plan';
import { extractPatch, renderScene } from '../src/lib/scenes/render';
import { DEFAULT_SCENE_SETTINGS } from '../src/lib/scenes/defaults';

export const USAGE =
  'npm run scenes -- --data DIR [--data DIR2] --out OUT [--seed S] [--train N] [--test N] [--size 448]\n' +
  '  [--bias A:B[,C:D]] [--categories a,b,c] [--probe N] [--format png|jpg] [--exclude-backgrounds FILE]\n' +
  '  [--all-backgrounds]\n' +
  '  --test N: scenes in each test split (simple, complex, bias, control, heldout).\n' +
  '  --probe N: also writes the measurement splits single (N scenes) and empty (N backgrounds).\n' +
  '  Backgrounds listed in src/lib/scenes/data/excluded-backgrounds.json (photos on which the detector saw\n' +
  '  objects) are left out unless --all-backgrounds; --exclude-backgrounds FILE leaves out more.';

/** The committed list of backgrounds the detector sees objects in (src/lib/scenes/README.md says how it is made). */
export const DEFAULT_EXCLUSIONS_FILE = join(
  import.meta.dirname,
  '..',
  'src',
  'lib',
  'scenes',
  'data',
  'excluded-backgrounds.json',
);

export class ScenesUsageError extends Error {
  override readonly name = 'ScenesUsageError';
}

function readDataset(dir: string): SourceDataset {
  const file = join(dir, 'instances.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ScenesUsageError(
      `--data ${dir}: no instances.json there (a COCO folder holds instances.json and images/).`,
    );
  }
  return { name: basename(resolve(dir)), instances: JSON.parse(text) };
}

/**
 * Background keys from a file: a JSON array of keys, an object whose `backgrounds` is one (the committed
 * list), or the output of `npm run bench -- scenes-detector` (the keys of empty.backgroundsWithFalseObjects).
 */
function readExclusions(file: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ScenesUsageError(`--exclude-backgrounds ${file}: not a readable JSON file (${String(error)}).`);
  }
  if (Array.isArray(parsed) && parsed.every((k) => typeof k === 'string')) return parsed;
  const listed = (parsed as { backgrounds?: unknown })?.backgrounds;
  if (Array.isArray(listed) && listed.every((k) => typeof k === 'string')) return listed;
  const fromBench = (parsed as { empty?: { backgroundsWithFalseObjects?: object } })?.empty
    ?.backgroundsWithFalseObjects;
  if (fromBench && typeof fromBench === 'object') return Object.keys(fromBench);
  throw new ScenesUsageError(
    `--exclude-backgrounds ${file}: expected a JSON array of background keys ("dataset:imageId") or the ` +
      'output of npm run bench -- scenes-detector.',
  );
}

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new ScenesUsageError(`--${name} ${value} is not a whole number ≥ 0.`);
  return n;
}

export async function main(argv: readonly string[]): Promise<object> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      data: { type: 'string', multiple: true },
      out: { type: 'string' },
      seed: { type: 'string' },
      train: { type: 'string' },
      test: { type: 'string' },
      size: { type: 'string' },
      bias: { type: 'string' },
      categories: { type: 'string' },
      probe: { type: 'string' },
      format: { type: 'string', default: 'png' },
      'exclude-backgrounds': { type: 'string', multiple: true },
      'all-backgrounds': { type: 'boolean', default: false },
    },
  });
  if (!values.data?.length || !values.out)
    throw new ScenesUsageError(`--data and --out are required.\n${USAGE}`);
  if (values.format !== 'png' && values.format !== 'jpg')
    throw new ScenesUsageError(`--format ${values.format}: png or jpg.`);
  const dirs = values.data.map((d) => resolve(d));
  const datasets = dirs.map(readDataset);
  const defaults = DEFAULT_SCENE_SETTINGS;
  const categoryNames = values.categories
    ? values.categories.split(',').map((s) => s.trim())
    : defaults.categories;
  const categories = resolveCategories(datasets, categoryNames);
  const idOf = new Map(categories.map((c) => [c.name, c.id]));
  const biasText = values.bias ?? defaults.bias.map((p) => `${p.a}:${p.b}`).join(',');
  const bias = biasText
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((pair) => {
      const [a, b] = pair.split(':').map((s) => s.trim());
      const ia = idOf.get(a ?? '');
      const ib = idOf.get(b ?? '');
      if (ia === undefined || ib === undefined || ia === ib)
        throw new ScenesUsageError(
          `--bias ${pair}: both names must be among the scene categories (${categoryNames.join(', ')}) and differ.`,
        );
      return { a: ia, b: ib };
    });
  const options: SceneOptions = {
    ...defaults.options,
    seed: intOption(values.seed, 'seed', 1),
    size: intOption(values.size, 'size', defaults.size),
    categories: categories.map((c) => c.id),
    bias,
    objects: DEFAULT_OBJECT_COUNTS,
  };
  const train = intOption(values.train, 'train', 1000);
  const test = intOption(values.test, 'test', 100);
  const probe = intOption(values.probe, 'probe', 0);
  const counts: Partial<Record<SplitName, number>> = { train };
  for (const s of SPLITS) if (s !== 'train') counts[s] = test;
  for (const s of PROBE_SPLITS) counts[s] = probe;
  const request: GenerateRequest = {
    datasets,
    options,
    counts,
    minBackgroundSide: defaults.minBackgroundSide,
    // The measurement of every photo (--probe with --all-backgrounds) must see the excluded ones too.
    excludedBackgrounds: [
      ...new Set([
        ...(values['all-backgrounds'] ? [] : readExclusions(DEFAULT_EXCLUSIONS_FILE)),
        ...(values['exclude-backgrounds'] ?? []).flatMap(readExclusions),
      ]),
    ],
  };
  const planned = planScenes(request);
  const extension = values.format;

  // Decode each needed photo once and keep only the cut-out rectangles and background squares.
  const needed = new Map<string, Array<{ key: string; rect: readonly number[] }>>();
  const want = (dataset: string, file: string, key: string, rect: readonly number[]) => {
    const id = `${dataset}\u0000${file}`;
    const list = needed.get(id) ?? [];
    if (!list.some((e) => e.key === key)) list.push({ key, rect });
    needed.set(id, list);
  };
  for (const { plans } of planned.splits)
    for (const p of plans) {
      want(p.background.dataset, p.background.fileName, p.background.key, p.background.rect);
      for (const q of p.placements) want(q.cutout.dataset, q.cutout.fileName, q.cutout.key, q.cutout.rect);
    }
  const dirOf = new Map(datasets.map((d, i) => [d.name, dirs[i]!]));
  const patches = new Map<string, RasterImage>();
  for (const [id, list] of [...needed].sort(([p], [q]) => (p < q ? -1 : 1))) {
    const [dataset, file] = id.split('\u0000') as [string, string];
    const { data, info } = await sharp(join(dirOf.get(dataset)!, 'images', file))
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const image: RasterImage = {
      width: info.width,
      height: info.height,
      channels: 3,
      data: new Uint8Array(data),
    };
    for (const e of list) patches.set(e.key, extractPatch(image, e.rect));
  }
  const lookup = (key: string) => {
    const p = patches.get(key);
    if (!p) throw new Error(`No pixels for ${key}.`);
    return p;
  };

  const out = resolve(values.out);
  for (const { split, plans } of planned.splits) {
    const images = join(out, split, 'images');
    mkdirSync(images, { recursive: true });
    for (const plan of plans) {
      const raster = renderScene(plan, options.size, lookup);
      const encoder = sharp(raster.data, {
        raw: { width: raster.width, height: raster.height, channels: 3 },
      });
      const bytes =
        extension === 'png'
          ? await encoder.png({ compressionLevel: 6, adaptiveFiltering: false, palette: false }).toBuffer()
          : await encoder.jpeg({ quality: 92, chromaSubsampling: '4:4:4', mozjpeg: false }).toBuffer();
      writeFileSync(join(images, sceneFileName(plan, extension)), bytes);
    }
    const files = splitFiles(plans, options, planned.categories, extension);
    writeFileSync(join(out, split, 'instances.json'), JSON.stringify(files.instances));
    writeFileSync(join(out, split, 'captions.json'), JSON.stringify(files.captions));
  }
  writeFileSync(
    join(out, 'scenes.json'),
    JSON.stringify(sceneManifest(planned, request, extension), null, 2),
  );
  return {
    out,
    splits: Object.fromEntries(planned.splits.map(({ split, plans }) => [split, plans.length])),
    categories: planned.categories.map((c) => c.name),
    bias: biasText,
  };
}
