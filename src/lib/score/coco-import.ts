/**
 * Imported COCO instance annotations, matched to the images the person dropped, so that CHAIR (chair.ts)
 * can be computed against ground truth for them. The JSON is parsed by chair.ts's parseCocoInstances (category
 * names through the CHAIR synonym list); this module only decides which annotated image each dropped file is.
 *
 * A dropped file matches, in order: an annotated `file_name` equal to its base name; one with the same name
 * without extension (the photo was re-encoded, e.g. .jpg → .png); or the COCO id written in its name. COCO
 * names files by their id zero-padded to 12 digits (`000000039769.jpg`, `COCO_val2014_000000060623.jpg`), so
 * the id is the last run of 6 or more digits, or the whole name when it is only digits: `IMG_2017.jpg` is not
 * taken for image 2017.
 */
import { type ChairCaption, type CocoGroundTruth, parseCocoInstances } from './chair';
import type { SynonymTable } from '../vocabulary/synonyms';

export interface DroppedImage {
  /** Our id for the image (its SHA-256). */
  readonly key: string;
  /** The file name as dropped; a path is reduced to its base name. */
  readonly fileName: string;
}

export type CocoMatchRule = 'file-name' | 'file-stem' | 'numeric-id';

export interface CocoMatch {
  readonly key: string;
  readonly cocoId: number;
  /** COCO categories annotated on the image (CHAIR's ground truth); may be empty. */
  readonly objects: ReadonlySet<string>;
  readonly matchedBy: CocoMatchRule;
}

export interface CocoImport {
  /** By dropped image key. */
  readonly matches: ReadonlyMap<string, CocoMatch>;
  /** Dropped images that no annotated image matched (they get the grounding-based rate instead). */
  readonly unmatched: readonly DroppedImage[];
  /** Annotated images in the JSON. */
  readonly annotatedImages: number;
}

const baseName = (name: string) => name.split(/[\\/]/).pop() ?? name;
const stem = (name: string) => {
  const base = baseName(name);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
};

/** The COCO id a file name carries, or null (see the module comment for the rule). */
export function cocoIdFromFileName(fileName: string): number | null {
  const s = stem(fileName);
  const digits = /^\d+$/.test(s) ? s : (s.match(/\d{6,}/g)?.at(-1) ?? null);
  if (digits === null) return null;
  const id = Number(digits);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export function matchCocoImages(truth: CocoGroundTruth, images: readonly DroppedImage[]): CocoImport {
  const byStem = new Map<string, number | null>();
  for (const [name, id] of truth.imageIdByFileName) {
    const s = stem(name);
    // Two annotated files with one stem (a.jpg, a.png) make the stem ambiguous: it then matches neither.
    byStem.set(s, byStem.has(s) && byStem.get(s) !== id ? null : id);
  }
  const matches = new Map<string, CocoMatch>();
  const unmatched: DroppedImage[] = [];
  for (const image of images) {
    const found = findId(truth, byStem, image.fileName);
    if (found === null) {
      unmatched.push(image);
      continue;
    }
    matches.set(image.key, {
      key: image.key,
      cocoId: found.id,
      objects: truth.objectsByImageId.get(found.id) ?? new Set(),
      matchedBy: found.rule,
    });
  }
  return { matches, unmatched, annotatedImages: truth.objectsByImageId.size };
}

function findId(
  truth: CocoGroundTruth,
  byStem: ReadonlyMap<string, number | null>,
  fileName: string,
): { id: number; rule: CocoMatchRule } | null {
  const byName = truth.imageIdByFileName.get(baseName(fileName));
  if (byName !== undefined) return { id: byName, rule: 'file-name' };
  const byStemId = byStem.get(stem(fileName));
  if (byStemId !== undefined && byStemId !== null) return { id: byStemId, rule: 'file-stem' };
  const numeric = cocoIdFromFileName(fileName);
  if (numeric !== null && truth.objectsByImageId.has(numeric)) return { id: numeric, rule: 'numeric-id' };
  return null;
}

/** Parses a COCO instances JSON (see chair.ts) and matches it to the dropped images. */
export function importCocoAnnotations(
  json: unknown,
  table: SynonymTable,
  images: readonly DroppedImage[],
): CocoImport {
  return matchCocoImages(parseCocoInstances(json, table), images);
}

/** CHAIR's input for the captions of matched images (unmatched ones are left out), by dropped image key. */
export function chairCaptionsFor(
  imported: CocoImport,
  captions: ReadonlyMap<string, string>,
): ChairCaption[] {
  const out: ChairCaption[] = [];
  for (const [key, caption] of captions) {
    const match = imported.matches.get(key);
    if (match) out.push({ imageId: match.cocoId, caption });
  }
  return out;
}
