/**
 * The detector half of the evidence path: plan crops at every zoom level, run the detector on all of them
 * (batched across windows and images), map boxes back to image pixels and merge across crops and zooms.
 */
import type { DetectionScoreSettings } from './corroborate';
import { UNCORROBORATED_SCORES, countingDetections } from './corroborate';
import type { Crop, CropSettings } from './crops';
import { DEFAULT_CROP_SETTINGS, isCutByCrop, mapNormalizedBoxToImage, planCrops } from './crops';
import type { MergedObject, MergeSettings, PlacedDetection } from './merge';
import { DEFAULT_MERGE_SETTINGS, mergeDetections } from './merge';
import type { RasterImage } from './raster';
import type { RegionDetector } from './detector';

export interface DetectionSettings {
  readonly crops: CropSettings;
  readonly merge: MergeSettings;
  /** Margin (fraction of a crop) within which a box counts as cut by the crop's inner edge. */
  readonly cutMargin: number;
  /** Which boxes count, per zoom level (corroborate.ts); the detector must see down to `scores.floor`. */
  readonly scores: DetectionScoreSettings;
}

export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = Object.freeze({
  crops: DEFAULT_CROP_SETTINGS,
  merge: DEFAULT_MERGE_SETTINGS,
  cutMargin: 0.02,
  scores: UNCORROBORATED_SCORES,
});

export interface ImageDetections {
  readonly crops: readonly Crop[];
  /** Every box from every crop, in image pixels (what the UI filters by zoom level and source). */
  readonly detections: readonly PlacedDetection[];
  readonly objects: readonly MergedObject[];
}

/** Detects on all crops of all images in one stream of detector batches; one result per image. */
export async function detectAcrossCrops(
  images: readonly RasterImage[],
  detector: RegionDetector,
  settings: DetectionSettings = DEFAULT_DETECTION_SETTINGS,
  signal?: AbortSignal,
): Promise<ImageDetections[]> {
  const plans = images.map((image) => planCrops(image.width, image.height, settings.crops));
  const inputs = plans.flatMap((crops, i) => crops.map((region) => ({ image: images[i]!, region })));
  const raw = await detector.detect(inputs, signal);
  let next = 0;
  return plans.map((crops, i) => {
    const image = images[i]!;
    const detections: PlacedDetection[] = [];
    for (const crop of crops) {
      for (const d of raw[next++] ?? []) {
        const box = mapNormalizedBoxToImage(d.box, crop);
        detections.push({
          label: d.label,
          box,
          score: d.score,
          zoom: crop.zoom,
          cropId: crop.id,
          source: detector.source,
          cut: isCutByCrop(box, crop, image.width, image.height, settings.cutMargin),
        });
      }
    }
    const counting = countingDetections(detections, settings.scores);
    return { crops, detections: counting, objects: mergeDetections(counting, settings.merge) };
  });
}
