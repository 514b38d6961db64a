/**
 * Evidence for one image: the detector's boxes from every crop and zoom level, Florence-2's `<OD>` boxes
 * (merged with the detector's into one object list), its region descriptions from crops, its detailed
 * caption, and its grounding of the student's caption. Labels are mapped to COCO categories through the
 * CHAIR synonyms, so "remote control", "television" and "man" meet the detector's "remote", "tv", "person".
 */
import type { Box } from './boxes';
import { boxArea } from './boxes';
import type { Crop } from './crops';
import { mapCropPixelBoxToImage } from './crops';
import type { MergedObject, MergeSettings, PlacedDetection } from './merge';
import { DEFAULT_MERGE_SETTINGS, mergeDetections } from './merge';
import { readFlorenceBoxes, readFlorenceText } from './florence';
import { extractObjectPhrases } from '../vocabulary/object-phrases';
import type { SynonymTable } from '../vocabulary/synonyms';

export interface EvidenceObject extends MergedObject {
  /** Whether `label` is a COCO category (detector labels always are; Florence-2's may not be). */
  readonly isCoco: boolean;
}

export interface RegionEvidence {
  readonly text: string;
  readonly box: Box;
  readonly cropId: string;
  readonly zoom: number;
  readonly categories: readonly string[];
}

export interface GroundedPhrase {
  readonly phrase: string;
  readonly box: Box;
  readonly categories: readonly string[];
}

export interface Evidence {
  readonly imageWidth: number;
  readonly imageHeight: number;
  readonly objects: readonly EvidenceObject[];
  /** Every box before merging, for display filtered by zoom level and source. */
  readonly detections: readonly PlacedDetection[];
  readonly regions: readonly RegionEvidence[];
  readonly detailedCaption: string | null;
  readonly detailedCaptionCategories: readonly string[];
  readonly grounding: { readonly caption: string; readonly phrases: readonly GroundedPhrase[] } | null;
}

/** Raw Florence-2 results (post_process_generation shapes); any may be missing. */
export interface FlorenceResults {
  /** `<OD>` on the whole image. */
  readonly objectDetection?: unknown;
  /** `<DENSE_REGION_CAPTION>` per crop; boxes in the crop's own pixels. */
  readonly denseRegions?: ReadonlyArray<{ readonly crop: Crop; readonly result: unknown }>;
  readonly moreDetailedCaption?: unknown;
  /** `<CAPTION_TO_PHRASE_GROUNDING>` of `caption` on the whole image. */
  readonly phraseGrounding?: { readonly caption: string; readonly result: unknown };
}

export interface EvidenceSettings {
  readonly merge: MergeSettings;
  /** Florence-2 reports no confidence; its `<OD>` boxes enter merging with this nominal score. */
  readonly florenceObjectScore: number;
}

export const DEFAULT_EVIDENCE_SETTINGS: EvidenceSettings = Object.freeze({
  merge: DEFAULT_MERGE_SETTINGS,
  florenceObjectScore: 0.6,
});

export const FLORENCE_OD_SOURCE = 'florence-od';

/** COCO categories named in free text, in order of first mention. */
export function categoriesIn(text: string, table: SynonymTable): string[] {
  return [...new Set(extractObjectPhrases(text, table).map((p) => p.category))];
}

/** The COCO category a short label names (its last noun phrase's head), if any. */
export function labelCategory(label: string, table: SynonymTable): string | undefined {
  return extractObjectPhrases(label, table).at(-1)?.category;
}

export interface EvidenceInput {
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** The detector's boxes in image pixels (detectAcrossCrops' `detections`). */
  readonly detections: readonly PlacedDetection[];
  readonly florence?: FlorenceResults;
}

export function buildEvidence(
  input: EvidenceInput,
  table: SynonymTable,
  settings: EvidenceSettings = DEFAULT_EVIDENCE_SETTINGS,
): Evidence {
  const { imageWidth: W, imageHeight: H, florence = {} } = input;
  const whole: Crop = { id: 'z1-r0-c0', zoom: 1, row: 0, col: 0, x: 0, y: 0, width: W, height: H };
  const odBoxes =
    florence.objectDetection === undefined ? [] : readFlorenceBoxes(florence.objectDetection, '<OD>');
  const od: PlacedDetection[] = odBoxes
    .filter((b) => boxArea(b.box) > 0)
    .map((b) => ({
      label: labelCategory(b.label, table) ?? b.label.toLowerCase(),
      box: mapCropPixelBoxToImage(b.box, whole),
      score: settings.florenceObjectScore,
      zoom: 1,
      cropId: whole.id,
      source: FLORENCE_OD_SOURCE,
      cut: false,
    }));
  const detections = [...input.detections, ...od];
  const cocoCategories = new Set(table.categories);
  const objects = mergeDetections(detections, settings.merge).map((o) => ({
    ...o,
    isCoco: cocoCategories.has(o.label),
  }));
  const regions = (florence.denseRegions ?? []).flatMap(({ crop, result }) =>
    readFlorenceBoxes(result, '<DENSE_REGION_CAPTION>').map((r) => {
      const box = mapCropPixelBoxToImage(r.box, crop);
      return {
        text: r.label,
        box,
        cropId: crop.id,
        zoom: crop.zoom,
        categories: categoriesIn(r.label, table),
      };
    }),
  );
  const detailedCaption =
    florence.moreDetailedCaption === undefined
      ? null
      : readFlorenceText(florence.moreDetailedCaption, '<MORE_DETAILED_CAPTION>');
  const grounding = florence.phraseGrounding
    ? {
        caption: florence.phraseGrounding.caption,
        phrases: readFlorenceBoxes(florence.phraseGrounding.result, '<CAPTION_TO_PHRASE_GROUNDING>').map(
          (g) => ({
            phrase: g.label,
            box: mapCropPixelBoxToImage(g.box, whole),
            categories: categoriesIn(g.label, table),
          }),
        ),
      }
    : null;
  return {
    imageWidth: W,
    imageHeight: H,
    objects,
    detections,
    regions,
    detailedCaption,
    detailedCaptionCategories: detailedCaption === null ? [] : categoriesIn(detailedCaption, table),
    grounding,
  };
}
