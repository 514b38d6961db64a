/**
 * CHAIR (Rohrbach et al. 2018), as its reference code computes it (LisaAnne/Hallucination
 * utils/chair.py): every COCO object word in a caption is one mention (duplicates count);
 * CHAIR-i = hallucinated mentions / all mentions, CHAIR-s = captions with at least one hallucinated
 * mention / all captions. Ground truth here is the COCO instance annotations the user imported; the
 * reference also adds objects named in COCO's reference captions, which we do not have, so our numbers
 * are an upper bound of the reference's on the same captions.
 */
import type { ObjectWord } from '../critic/mentions';
import { extractObjectWords } from '../critic/mentions';
import type { SynonymTable } from '../critic/synonyms';

export class CocoAnnotationsError extends Error {
  override readonly name = 'CocoAnnotationsError';
}

export interface CocoGroundTruth {
  /** image id → COCO categories present. */
  readonly objectsByImageId: ReadonlyMap<number, ReadonlySet<string>>;
  /** file name → image id, for matching dropped files. */
  readonly imageIdByFileName: ReadonlyMap<string, number>;
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
  readonly chairI: number;
  readonly chairS: number;
  readonly mentions: number;
  readonly hallucinatedMentions: number;
  readonly sentences: readonly ChairSentence[];
}

export function computeChair(
  captions: readonly ChairCaption[],
  truth: CocoGroundTruth,
  table: SynonymTable,
): ChairResult {
  let mentions = 0;
  let hallucinatedMentions = 0;
  let hallucinatedCaptions = 0;
  const sentences = captions.map(({ imageId, caption }) => {
    const gt = truth.objectsByImageId.get(imageId);
    if (!gt) throw new CocoAnnotationsError(`No annotations for image ${imageId}.`);
    const words = extractObjectWords(caption, table);
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
    chairI: mentions === 0 ? 0 : hallucinatedMentions / mentions,
    chairS: captions.length === 0 ? 0 : hallucinatedCaptions / captions.length,
    mentions,
    hallucinatedMentions,
    sentences,
  };
}
