/**
 * A folder in standard COCO layout (`images/`, `instances.json`, `captions.json`; the official 2017 annotation
 * format) as the COCO bench reads it: per image its file, the categories annotated (as the synonym list spells
 * them), their boxes, and its human captions.
 */
import type { Box } from '../../src/lib/evidence/boxes';
import { boxFromXywh } from '../../src/lib/evidence/boxes';
import type { SynonymTable } from '../../src/lib/vocabulary/synonyms';
import { canonicalCategory } from '../../src/lib/score/student-scores';

export interface CocoImage {
  readonly id: number;
  readonly fileName: string;
  readonly width: number;
  readonly height: number;
  /** Categories annotated on the image, crowd regions included. */
  readonly present: ReadonlySet<string>;
  /** Annotated boxes (image pixels), crowd regions left out: a crowd box is not one object to find. */
  readonly boxes: readonly { readonly category: string; readonly box: Box }[];
  readonly captions: readonly string[];
}

export class CocoFolderError extends Error {
  override readonly name = 'CocoFolderError';
}

interface InstancesJson {
  images?: { id: number; file_name: string; width: number; height: number }[];
  annotations?: { image_id: number; category_id: number; bbox: number[]; iscrowd?: number }[];
  categories?: { id: number; name: string }[];
}

interface CaptionsJson {
  annotations?: { image_id: number; caption: string }[];
}

/** Reads the two annotation files' JSON (already parsed); images without captions keep an empty list. */
export function readCocoFolder(instances: unknown, captions: unknown, table: SynonymTable): CocoImage[] {
  const ins = instances as InstancesJson | null;
  if (!ins || !Array.isArray(ins.images) || !Array.isArray(ins.annotations) || !Array.isArray(ins.categories))
    throw new CocoFolderError(
      'instances.json: expected COCO instances with images, annotations and categories',
    );
  const cap = captions as CaptionsJson | null;
  if (!cap || !Array.isArray(cap.annotations))
    throw new CocoFolderError('captions.json: expected COCO captions with annotations');
  const names = new Map(ins.categories.map((c) => [c.id, canonicalCategory(c.name, table)]));
  const present = new Map<number, Set<string>>();
  const boxes = new Map<number, { category: string; box: Box }[]>();
  for (const a of ins.annotations) {
    const category = names.get(a.category_id);
    if (category === undefined)
      throw new CocoFolderError(`instances.json: unknown category id ${a.category_id}`);
    (present.get(a.image_id) ?? present.set(a.image_id, new Set()).get(a.image_id)!).add(category);
    if (a.iscrowd !== 1)
      (boxes.get(a.image_id) ?? boxes.set(a.image_id, []).get(a.image_id)!).push({
        category,
        box: boxFromXywh(a.bbox),
      });
  }
  const texts = new Map<number, string[]>();
  for (const a of cap.annotations)
    (texts.get(a.image_id) ?? texts.set(a.image_id, []).get(a.image_id)!).push(a.caption.trim());
  return ins.images.map((im) => ({
    id: im.id,
    fileName: im.file_name,
    width: im.width,
    height: im.height,
    present: present.get(im.id) ?? new Set(),
    boxes: boxes.get(im.id) ?? [],
    captions: texts.get(im.id) ?? [],
  }));
}

/** The split: simple images hold at most 2 annotated categories, complex ones at least 4. */
export function complexityOf(image: Pick<CocoImage, 'present'>): 'simple' | 'complex' | 'middle' {
  const n = image.present.size;
  return n <= 2 ? 'simple' : n >= 4 ? 'complex' : 'middle';
}
