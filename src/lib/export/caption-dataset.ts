/**
 * The refined captions as datasets others can load:
 * - Hugging Face imagefolder: `metadata.jsonl`, one JSON object per line with `file_name` (the image's path
 *   relative to the metadata file) and `text`, plus our fields. Every row has every field (null when unknown),
 *   so that `datasets` infers one schema for all rows.
 * - COCO captions: `images` (id, file_name, width, height) and `annotations` (id, image_id, caption), as in
 *   captions_train2017.json; `file_name` is relative to the images folder, as in COCO.
 */
import { CaptionDatasetError } from './errors';

export const IMAGEFOLDER_METADATA_NAME = 'metadata.jsonl';
export const COCO_CAPTIONS_NAME = 'captions_coco.json';
export const DATASET_IMAGES_DIR = 'images';

export interface CaptionRecord {
  /** SHA-256 of the image file (our image id). */
  readonly imageId: string;
  /** The file name as dropped. */
  readonly fileName: string;
  /** Size of the image as the person sees it (orientation applied). */
  readonly width: number;
  readonly height: number;
  /** The training target: the accepted refinement, the person's edit, or the student's caption kept as clean. */
  readonly caption: string;
  readonly captionSource: 'refined' | 'user' | 'student';
  /** The student's first caption, before any tuning. */
  readonly originalCaption?: string;
  /** The tuned student's caption. */
  readonly tunedCaption?: string;
  /** Metric name → value (critic score, CLIPScore…). */
  readonly scores?: Readonly<Record<string, number>>;
  /** COCO image id, when the image was matched to imported COCO annotations. */
  readonly cocoId?: number;
}

export interface ImagefolderRow {
  readonly file_name: string;
  readonly text: string;
  readonly image_sha256: string;
  readonly caption_source: CaptionRecord['captionSource'];
  readonly original_caption: string | null;
  readonly tuned_caption: string | null;
  readonly scores: Readonly<Record<string, number>> | null;
  readonly coco_id: number | null;
}

export interface CocoCaptions {
  readonly info: { readonly description: string; readonly version: string; readonly date_created: string };
  readonly licenses: readonly never[];
  readonly images: readonly {
    readonly id: number;
    readonly file_name: string;
    readonly width: number;
    readonly height: number;
    readonly image_sha256: string;
  }[];
  readonly annotations: readonly {
    readonly id: number;
    readonly image_id: number;
    readonly caption: string;
  }[];
}

/** Characters that break a path on some system (separators, Windows' reserved ones, control characters). */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\\/:*?"<>|\u0000-\u001f\u007f]/g;

function safeBaseName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(UNSAFE, '_').replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
  return cleaned.length > 0 ? cleaned : 'image';
}

function withSuffix(name: string, suffix: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}-${suffix}${name.slice(dot)}` : `${name}-${suffix}`;
}

/**
 * One file name per image, unique without regard to case (a zip extracted on macOS or Windows would merge
 * "A.jpg" and "a.jpg"): the dropped name made safe, and where two collide, the image's hash prefix appended.
 */
export function datasetFileNames(records: readonly CaptionRecord[]): Map<string, string> {
  const ids = new Set<string>();
  const counts = new Map<string, number>();
  for (const r of records) {
    if (ids.has(r.imageId))
      throw new CaptionDatasetError(`The image ${r.imageId} ("${r.fileName}") is listed twice.`);
    ids.add(r.imageId);
    const key = safeBaseName(r.fileName).toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const r of records) {
    const base = safeBaseName(r.fileName);
    let name = counts.get(base.toLowerCase())! > 1 ? withSuffix(base, r.imageId.slice(0, 8)) : base;
    for (let n = 12; taken.has(name.toLowerCase()); n += 4) {
      if (n > r.imageId.length)
        throw new CaptionDatasetError(`Cannot give "${r.fileName}" a unique file name.`);
      name = withSuffix(base, r.imageId.slice(0, n));
    }
    taken.add(name.toLowerCase());
    names.set(r.imageId, name);
  }
  return names;
}

function validate(r: CaptionRecord): void {
  if (r.caption.trim().length === 0) throw new CaptionDatasetError(`"${r.fileName}" has an empty caption.`);
  if (!Number.isInteger(r.width) || !Number.isInteger(r.height) || r.width <= 0 || r.height <= 0) {
    throw new CaptionDatasetError(`"${r.fileName}" has no valid size (${r.width}×${r.height}).`);
  }
  if (r.cocoId !== undefined && (!Number.isSafeInteger(r.cocoId) || r.cocoId <= 0)) {
    throw new CaptionDatasetError(`"${r.fileName}" has COCO id ${r.cocoId}; COCO ids are positive integers.`);
  }
}

export function imagefolderRows(
  records: readonly CaptionRecord[],
  names = datasetFileNames(records),
): ImagefolderRow[] {
  return records.map((r) => {
    validate(r);
    return {
      file_name: `${DATASET_IMAGES_DIR}/${names.get(r.imageId)!}`,
      text: r.caption.trim(),
      image_sha256: r.imageId,
      caption_source: r.captionSource,
      original_caption: r.originalCaption ?? null,
      tuned_caption: r.tunedCaption ?? null,
      scores: r.scores ?? null,
      coco_id: r.cocoId ?? null,
    };
  });
}

/** metadata.jsonl: one row per line, each line ending in "\n". */
export function toImagefolderJsonl(records: readonly CaptionRecord[], names?: Map<string, string>): string {
  return imagefolderRows(records, names)
    .map((row) => JSON.stringify(row) + '\n')
    .join('');
}

/**
 * COCO captions JSON. Image ids: the COCO id where the image was matched to COCO (and no other image has it),
 * else the smallest positive integers not taken, in record order.
 */
export function toCocoCaptions(
  records: readonly CaptionRecord[],
  options: { createdAt: number; description?: string },
  names = datasetFileNames(records),
): CocoCaptions {
  records.forEach(validate);
  const cocoIdCounts = new Map<number, number>();
  for (const r of records)
    if (r.cocoId !== undefined) cocoIdCounts.set(r.cocoId, (cocoIdCounts.get(r.cocoId) ?? 0) + 1);
  const keeps = (r: CaptionRecord) => r.cocoId !== undefined && cocoIdCounts.get(r.cocoId) === 1;
  const used = new Set(records.filter(keeps).map((r) => r.cocoId!));
  let next = 1;
  const ids = records.map((r) => {
    if (keeps(r)) return r.cocoId!;
    while (used.has(next)) next++;
    used.add(next);
    return next;
  });
  return {
    info: {
      description: options.description ?? 'Captions refined in CapGrad Studio',
      version: '1.0',
      date_created: new Date(options.createdAt).toISOString(),
    },
    licenses: [],
    images: records.map((r, i) => ({
      id: ids[i]!,
      file_name: names.get(r.imageId)!,
      width: r.width,
      height: r.height,
      image_sha256: r.imageId,
    })),
    annotations: records.map((r, i) => ({ id: i + 1, image_id: ids[i]!, caption: r.caption.trim() })),
  };
}
