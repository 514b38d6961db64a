/**
 * The pure half of `npm run data:coco` (scripts/data-coco-node.ts does the network and the files): its flags,
 * which images a seed picks, and the two annotation files of the subset, filtered copies of the official COCO
 * 2017 ones in their own format, so that every reader of a COCO folder (images/, instances.json,
 * captions.json) takes the result as it takes the shared coco-val-79.
 */
import { parseArgs } from 'node:util';
import { SeededRandom } from '../../src/lib/core/rng';

export const USAGE =
  'npm run data:coco -- --split val2017|train2017 --count N --out DIR [--seed S] [--min-categories K]\n' +
  '  [--annotations ZIP]\n' +
  '  Downloads N COCO images chosen by seed S (default 1) among those with at least K annotated categories\n' +
  '  (default 0: any) and their official annotations into DIR/images/, DIR/instances.json, DIR/captions.json.\n' +
  '  --annotations ZIP: a local copy of annotations_trainval2017.zip instead of reading it from the COCO site.\n' +
  '  Rerunning the same command resumes: images already in DIR/images/ are kept.';

/** The archive of the official 2017 annotations (both splits' instances, captions and keypoints). */
export const ANNOTATIONS_URL = 'http://images.cocodataset.org/annotations/annotations_trainval2017.zip';

export interface CocoSplit {
  /** Where the split's photos are: `${images}/${file_name}`. */
  readonly images: string;
  readonly instancesEntry: string;
  readonly captionsEntry: string;
}

export const COCO_SPLITS: Readonly<Record<string, CocoSplit>> = {
  val2017: {
    images: 'http://images.cocodataset.org/val2017',
    instancesEntry: 'annotations/instances_val2017.json',
    captionsEntry: 'annotations/captions_val2017.json',
  },
  train2017: {
    images: 'http://images.cocodataset.org/train2017',
    instancesEntry: 'annotations/instances_train2017.json',
    captionsEntry: 'annotations/captions_train2017.json',
  },
};

/** A failure the command explains in one message (no stack): bad data, a failed download. */
export class DataCocoError extends Error {
  override readonly name: string = 'DataCocoError';
}

/** Bad flags, or a request the split cannot satisfy: the command exits with 2, as the other scripts do. */
export class DataCocoUsageError extends DataCocoError {
  override readonly name = 'DataCocoUsageError';
}

export interface DataCocoOptions {
  readonly split: string;
  readonly count: number;
  readonly out: string;
  readonly seed: number;
  readonly minCategories: number;
  readonly annotations?: string;
}

function wholeNumber(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < min)
    throw new DataCocoUsageError(`--${flag} ${value} is not a whole number ≥ ${min}.\n${USAGE}`);
  return n;
}

export function parseDataCocoArgs(argv: readonly string[]): DataCocoOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        split: { type: 'string' },
        count: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        'min-categories': { type: 'string' },
        annotations: { type: 'string' },
      },
    }));
  } catch (error) {
    // parseArgs names the unknown flag or the missing value; the usage says what there is.
    throw new DataCocoUsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const missing = (['split', 'count', 'out'] as const).filter((flag) => values[flag] === undefined);
  if (missing.length > 0)
    throw new DataCocoUsageError(`${missing.map((f) => `--${f}`).join(', ')} required.\n${USAGE}`);
  const split = values.split!;
  if (!(split in COCO_SPLITS))
    throw new DataCocoUsageError(
      `--split ${split}: unknown split; choose from ${Object.keys(COCO_SPLITS).join(', ')}.`,
    );
  return {
    split,
    count: wholeNumber(values.count, 'count', 0, 1),
    out: values.out!,
    seed: wholeNumber(values.seed, 'seed', 1, 0),
    minCategories: wholeNumber(values['min-categories'], 'min-categories', 0, 0),
    ...(values.annotations === undefined ? {} : { annotations: values.annotations }),
  };
}

/** The parts of an official instances file this module reads; the rest of each record is copied as it is. */
export interface CocoImageRecord {
  readonly id: number;
  readonly file_name: string;
  readonly [field: string]: unknown;
}

export interface CocoAnnotationRecord {
  readonly image_id: number;
  readonly category_id?: number;
  readonly [field: string]: unknown;
}

export interface CocoFile {
  readonly info?: Record<string, unknown>;
  readonly licenses?: readonly unknown[];
  readonly images: readonly CocoImageRecord[];
  readonly annotations: readonly CocoAnnotationRecord[];
  readonly categories?: readonly unknown[];
}

/** The official file_name pattern; anything else could write outside DIR/images/. */
const FILE_NAME = /^\d{12}\.jpg$/;

/** Checks the fields the selection and the writer rely on, naming the file and the record that lacks them. */
export function asCocoFile(json: unknown, what: string, needCategories: boolean): CocoFile {
  const j = json as Partial<CocoFile> | null;
  if (!j || typeof j !== 'object' || !Array.isArray(j.images) || !Array.isArray(j.annotations))
    throw new DataCocoError(`${what}: expected COCO JSON with images and annotations`);
  if (needCategories && !Array.isArray(j.categories)) throw new DataCocoError(`${what}: no categories`);
  for (const im of j.images)
    if (typeof im?.id !== 'number' || typeof im.file_name !== 'string' || !FILE_NAME.test(im.file_name))
      throw new DataCocoError(
        `${what}: image ${JSON.stringify(im).slice(0, 120)} lacks a numeric id or a COCO file_name`,
      );
  for (const a of j.annotations)
    if (typeof a?.image_id !== 'number' || (needCategories && typeof a.category_id !== 'number'))
      throw new DataCocoError(
        `${what}: annotation ${JSON.stringify(a).slice(0, 120)} lacks image_id or category_id`,
      );
  return j as CocoFile;
}

/** The images with at least `minCategories` distinct annotated categories (crowd regions count), by id. */
export function candidateImages(instances: CocoFile, minCategories: number): CocoImageRecord[] {
  const categories = new Map<number, Set<number>>();
  for (const a of instances.annotations) {
    const set = categories.get(a.image_id) ?? new Set<number>();
    set.add(a.category_id!);
    categories.set(a.image_id, set);
  }
  return instances.images
    .filter((im) => (categories.get(im.id)?.size ?? 0) >= minCategories)
    .sort((a, b) => a.id - b.id);
}

/**
 * `count` images drawn by seed among the candidates. The candidates are sorted by id and shuffled, so the draw
 * does not depend on the file's order, and a larger count with the same seed keeps every image of a smaller
 * one (a second run with more images downloads only the new ones).
 */
export function chooseImages(
  instances: CocoFile,
  options: Pick<DataCocoOptions, 'split' | 'count' | 'seed' | 'minCategories'>,
): CocoImageRecord[] {
  const candidates = candidateImages(instances, options.minCategories);
  if (options.count > candidates.length) {
    const among =
      options.minCategories > 0
        ? `${candidates.length} of its ${instances.images.length} images have ≥ ${options.minCategories} categories`
        : `it has ${candidates.length} images`;
    throw new DataCocoUsageError(`--count ${options.count}: ${options.split} is too small (${among}).`);
  }
  const order = new SeededRandom(options.seed).permutation(candidates.length);
  return order.slice(0, options.count).map((i) => candidates[i]!);
}

/**
 * The official file restricted to the chosen images: its images and annotations of those, in the file's own
 * order, with everything else (info, licenses, categories whole) kept; the description says what was taken.
 */
export function subsetCocoFile(file: CocoFile, chosen: ReadonlySet<number>, description: string): CocoFile {
  return {
    ...file,
    info: { ...file.info, description },
    images: file.images.filter((im) => chosen.has(im.id)),
    annotations: file.annotations.filter((a) => chosen.has(a.image_id)),
  };
}

export function subsetDescription(options: DataCocoOptions): string {
  const filter = options.minCategories > 0 ? `, images with ≥ ${options.minCategories} categories` : '';
  return (
    `${options.count}-image subset of COCO ${options.split} ` +
    `(npm run data:coco, seed ${options.seed}${filter})`
  );
}

/** A JPEG starts with the SOI marker and a marker segment (FF D8 FF). */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}
