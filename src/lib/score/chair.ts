/**
 * CHAIR (Rohrbach et al. 2018): every COCO object word in a caption is one mention (duplicates count);
 * CHAIR-i = hallucinated mentions / all mentions, CHAIR-s = captions with at least one hallucinated mention
 * / all captions; a mention is hallucinated when its category is not in the image's ground truth. Its
 * reference code is LisaAnne/Hallucination utils/chair.py, the one papers quote.
 *
 * Two choices, both options of computeChair:
 * - `mode` (which words are mentions). 'default': vocabulary/object-words.ts `extractObjectWords`, the reference's
 *   rules where they are sensible, our own singular forms and the trimmed synonym list where the reference
 *   errs (it never finds "bus", "ties", "motor bike", "cheesecake", "iPhone", "canoes"...; the list is in
 *   chair-reference.ts). 'reference': chair-reference.ts, the reference's words exactly (its tokenizer,
 *   pattern.en singularizer and raw synonym file), for a figure quoted beside a paper's; proven on 576
 *   captions by test/lib/score/chair-reference.test.ts. Default: 'default'.
 * - `groundTruth` (what is in the image). 'instances': the categories of the COCO instance annotations
 *   (parseCocoInstances). 'instances+captions': those plus every category that the image's human COCO
 *   captions mention, counted in the same mode; that is the reference's ground truth
 *   (get_annotations_from_segments + get_annotations_from_captions) and needs the captions JSON
 *   (withCocoCaptions). Default: 'instances', the stricter one: an object a human names but nobody boxed
 *   counts as hallucinated, so its CHAIR is an upper bound of the reference's on the same captions.
 * A paper's number is reproduced by { mode: 'reference', groundTruth: 'instances+captions' }.
 */
import type { ObjectWord } from '../vocabulary/object-words';
import { extractObjectWords } from '../vocabulary/object-words';
import type { SynonymTable } from '../vocabulary/synonyms';
import { referenceObjectWords, referenceVocabularyOf } from './chair-reference';

export class CocoAnnotationsError extends Error {
  override readonly name = 'CocoAnnotationsError';
}

export interface CocoGroundTruth {
  /** image id → COCO categories present (instance annotations). */
  readonly objectsByImageId: ReadonlyMap<number, ReadonlySet<string>>;
  /** file name → image id, for matching dropped files. */
  readonly imageIdByFileName: ReadonlyMap<string, number>;
  /** image id → its human COCO captions, when a captions JSON was added (withCocoCaptions). */
  readonly captionsByImageId?: ReadonlyMap<number, readonly string[]>;
}

/** Which words are mentions: ours ('default') or exactly the reference code's ('reference'). */
export type ChairMode = 'default' | 'reference';
/** What is in an image: the instance annotations, or those and what its human captions name (the reference). */
export type ChairGroundTruth = 'instances' | 'instances+captions';

export interface ChairOptions {
  /** Default 'default'. */
  readonly mode?: ChairMode;
  /** Default 'instances'. */
  readonly groundTruth?: ChairGroundTruth;
}

/** Reads a COCO instances JSON (images, annotations, categories). Category names go through the synonyms. */
export function parseCocoInstances(json: unknown, table: SynonymTable): CocoGroundTruth {
  const j = json as {
    images?: Array<{ id?: unknown; file_name?: unknown }>;
    annotations?: Array<{ image_id?: unknown; category_id?: unknown }>;
    categories?: Array<{ id?: unknown; name?: unknown }>;
  } | null;
  if (!j || !Array.isArray(j.images) || !Array.isArray(j.annotations) || !Array.isArray(j.categories)) {
    throw new CocoAnnotationsError('Expected COCO instances JSON with images, annotations and categories.');
  }
  const names = new Map<number, string>();
  for (const c of j.categories) {
    if (typeof c.id !== 'number' || typeof c.name !== 'string')
      throw new CocoAnnotationsError('A category lacks id or name.');
    names.set(c.id, table.lookup.get(c.name.toLowerCase()) ?? c.name.toLowerCase());
  }
  const objectsByImageId = new Map<number, Set<string>>();
  const imageIdByFileName = new Map<string, number>();
  for (const im of j.images) {
    if (typeof im.id !== 'number') throw new CocoAnnotationsError('An image lacks a numeric id.');
    objectsByImageId.set(im.id, new Set());
    if (typeof im.file_name === 'string') imageIdByFileName.set(im.file_name, im.id);
  }
  for (const a of j.annotations) {
    if (typeof a.image_id !== 'number' || typeof a.category_id !== 'number') {
      throw new CocoAnnotationsError('An annotation lacks image_id or category_id.');
    }
    const name = names.get(a.category_id);
    if (name === undefined) throw new CocoAnnotationsError(`Unknown category id ${a.category_id}.`);
    const set = objectsByImageId.get(a.image_id) ?? new Set<string>();
    set.add(name);
    objectsByImageId.set(a.image_id, set);
  }
  return { objectsByImageId, imageIdByFileName };
}

export interface CocoCaptions {
  readonly captionsByImageId: ReadonlyMap<number, readonly string[]>;
  readonly imageIdByFileName: ReadonlyMap<string, number>;
}

/** Reads a COCO captions JSON ({ images?, annotations: [{ image_id, caption }] }). */
export function parseCocoCaptions(json: unknown): CocoCaptions {
  const j = json as {
    images?: Array<{ id?: unknown; file_name?: unknown }>;
    annotations?: Array<{ image_id?: unknown; caption?: unknown }>;
  } | null;
  if (!j || !Array.isArray(j.annotations) || (j.images !== undefined && !Array.isArray(j.images))) {
    throw new CocoAnnotationsError('Expected COCO captions JSON with annotations of image_id and caption.');
  }
  const captionsByImageId = new Map<number, string[]>();
  const imageIdByFileName = new Map<string, number>();
  for (const im of j.images ?? []) {
    if (typeof im.id === 'number' && typeof im.file_name === 'string')
      imageIdByFileName.set(im.file_name, im.id);
  }
  for (const a of j.annotations) {
    if (typeof a.image_id !== 'number' || typeof a.caption !== 'string') {
      throw new CocoAnnotationsError('A caption annotation lacks image_id or caption.');
    }
    const list = captionsByImageId.get(a.image_id) ?? [];
    list.push(a.caption);
    captionsByImageId.set(a.image_id, list);
  }
  return { captionsByImageId, imageIdByFileName };
}

/**
 * The ground truth with a COCO captions JSON added, for `groundTruth: 'instances+captions'`. Captions of
 * images without instance annotations are kept but unused (those images are not in the ground truth).
 */
export function withCocoCaptions(truth: CocoGroundTruth, captionsJson: unknown): CocoGroundTruth {
  const parsed = parseCocoCaptions(captionsJson);
  const captionsByImageId = new Map<number, readonly string[]>(truth.captionsByImageId ?? []);
  for (const [id, list] of parsed.captionsByImageId) {
    captionsByImageId.set(id, [...(captionsByImageId.get(id) ?? []), ...list]);
  }
  return {
    objectsByImageId: truth.objectsByImageId,
    imageIdByFileName: new Map([...parsed.imageIdByFileName, ...truth.imageIdByFileName]),
    captionsByImageId,
  };
}

/** The mentions of a caption in a mode ('reference' reads the list `table` was parsed from as the reference does). */
export function chairMentions(
  caption: string,
  table: SynonymTable,
  mode: ChairMode = 'default',
): ObjectWord[] {
  return mode === 'reference'
    ? referenceObjectWords(caption, referenceVocabularyOf(table))
    : extractObjectWords(caption, table);
}

/** The categories counted as present in an image under the options (see the file comment). */
export function groundTruthObjects(
  truth: CocoGroundTruth,
  imageId: number,
  table: SynonymTable,
  options: ChairOptions = {},
): ReadonlySet<string> {
  const instances = truth.objectsByImageId.get(imageId);
  if (!instances) throw new CocoAnnotationsError(`No annotations for image ${imageId}.`);
  if ((options.groundTruth ?? 'instances') === 'instances') return instances;
  if (!truth.captionsByImageId) {
    throw new CocoAnnotationsError("Ground truth 'instances+captions' needs the COCO captions JSON.");
  }
  const objects = new Set(instances);
  for (const caption of truth.captionsByImageId.get(imageId) ?? []) {
    for (const w of chairMentions(caption, table, options.mode)) objects.add(w.category);
  }
  return objects;
}

export interface ChairCaption {
  readonly imageId: number;
  readonly caption: string;
}

export interface ChairSentence {
  readonly imageId: number;
  readonly caption: string;
  readonly mentions: readonly ObjectWord[];
  readonly hallucinated: readonly ObjectWord[];
  /** Per caption: hallucinated / mentions (0 without mentions). */
  readonly chairI: number;
  readonly chairS: 0 | 1;
}

export interface ChairResult {
  readonly mode: ChairMode;
  readonly groundTruth: ChairGroundTruth;
  readonly chairI: number;
  readonly chairS: number;
  readonly mentions: number;
  readonly hallucinatedMentions: number;
  readonly sentences: readonly ChairSentence[];
}

/** CHAIR of captions against COCO ground truth; `options` picks the mode and the ground truth (file comment). */
export function computeChair(
  captions: readonly ChairCaption[],
  truth: CocoGroundTruth,
  table: SynonymTable,
  options: ChairOptions = {},
): ChairResult {
  const mode = options.mode ?? 'default';
  const groundTruth = options.groundTruth ?? 'instances';
  const truthByImage = new Map<number, ReadonlySet<string>>();
  let mentions = 0;
  let hallucinatedMentions = 0;
  let hallucinatedCaptions = 0;
  const truthOf = (imageId: number): ReadonlySet<string> => {
    const known = truthByImage.get(imageId);
    if (known) return known;
    const objects = groundTruthObjects(truth, imageId, table, { mode, groundTruth });
    truthByImage.set(imageId, objects);
    return objects;
  };
  const sentences = captions.map(({ imageId, caption }) => {
    const gt = truthOf(imageId);
    const words = chairMentions(caption, table, mode);
    const hallucinated = words.filter((w) => !gt.has(w.category));
    mentions += words.length;
    hallucinatedMentions += hallucinated.length;
    if (hallucinated.length > 0) hallucinatedCaptions += 1;
    return {
      imageId,
      caption,
      mentions: words,
      hallucinated,
      chairI: words.length === 0 ? 0 : hallucinated.length / words.length,
      chairS: hallucinated.length > 0 ? (1 as const) : (0 as const),
    };
  });
  return {
    mode,
    groundTruth,
    // The reference divides by zero here; no mention means no hallucination.
    chairI: mentions === 0 ? 0 : hallucinatedMentions / mentions,
    chairS: captions.length === 0 ? 0 : hallucinatedCaptions / captions.length,
    mentions,
    hallucinatedMentions,
    sentences,
  };
}
