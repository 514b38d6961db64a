/**
 * The hand-written Florence-2 fixtures (test/fixtures/florence2/*.json; see their "note"): realistic
 * outputs for the photos in test/fixtures/photos, in post_process_generation's shapes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planCrops } from '../../../../src/lib/evidence/crops';
import type { FlorenceResults } from '../../../../src/lib/evidence/evidence';
import { buildEvidence } from '../../../../src/lib/evidence/evidence';
import type { Evidence } from '../../../../src/lib/evidence/evidence';
import type { PlacedDetection } from '../../../../src/lib/evidence/merge';
import { CHAIR_SYNONYMS } from '../../../../src/lib/vocabulary/chair-synonyms';

const DIR = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'florence2');

export interface FlorenceFixture {
  readonly note: string;
  readonly image: string;
  readonly width: number;
  readonly height: number;
  readonly objectDetection: unknown;
  readonly moreDetailedCaption: unknown;
  readonly denseRegions: ReadonlyArray<{ cropId: string; result: unknown }>;
  readonly phraseGrounding: { caption: string; result: unknown };
}

export const FIXTURE_IMAGES = [
  'coco_val2017_000000039769',
  'coco_val2017_000000000139',
  'coco_val2017_000000000724',
  'coco_val2014_000000562207',
  'coco_val2014_000000579664',
  'coco_val2014_000000354533',
] as const;

export function loadFixture(stem: (typeof FIXTURE_IMAGES)[number]): FlorenceFixture {
  return JSON.parse(readFileSync(join(DIR, `${stem}.json`), 'utf8')) as FlorenceFixture;
}

export function florenceResults(f: FlorenceFixture): FlorenceResults {
  const crops = planCrops(f.width, f.height);
  return {
    objectDetection: f.objectDetection,
    moreDetailedCaption: f.moreDetailedCaption,
    denseRegions: f.denseRegions.map((r) => ({
      crop: crops.find((c) => c.id === r.cropId)!,
      result: r.result,
    })),
    phraseGrounding: f.phraseGrounding,
  };
}

export const table = CHAIR_SYNONYMS;

/** Evidence from a fixture's Florence-2 results, plus optional detector boxes. */
export function fixtureEvidence(
  stem: (typeof FIXTURE_IMAGES)[number],
  detections: readonly PlacedDetection[] = [],
): Evidence {
  const f = loadFixture(stem);
  return buildEvidence(
    { imageWidth: f.width, imageHeight: f.height, detections, florence: florenceResults(f) },
    table,
  );
}
