/**
 * The teacher's public types: what the UI sends to the teacher worker and what comes back. All plain
 * objects and typed arrays, so they cross Comlink as they are.
 */
import type { Evidence } from '../evidence';
import type { DetectionScoreSettings } from '../corroborate';
import { UNCORROBORATED_SCORES } from '../corroborate';
import type { Crop, CropSettings } from '../crops';
import { DEFAULT_CROP_SETTINGS } from '../crops';
import type { RasterImage } from '../raster';
import type { ComputeDevice, DevicePreference, ModelDtype } from '../../core/devices';

/** Where the teacher runs (the student's StudentDevice is the same choice). */
export type TeacherDevice = ComputeDevice;

/** The four sessions transformers.js loads for Florence-2, by their file base names under onnx/. */
export const FLORENCE_SESSIONS = [
  'embed_tokens',
  'vision_encoder',
  'encoder_model',
  'decoder_model_merged',
] as const;
export type FlorenceSession = (typeof FLORENCE_SESSIONS)[number];
export type FlorenceDtypes = Readonly<Record<FlorenceSession, ModelDtype>>;

export const DEFAULT_FLORENCE_MODEL = 'onnx-community/Florence-2-base-ft';

export type FlorenceTask =
  '<OD>' | '<DENSE_REGION_CAPTION>' | '<MORE_DETAILED_CAPTION>' | '<CAPTION_TO_PHRASE_GROUNDING>';

export interface TeacherSettings {
  /** Sliding-window zoom levels (grid sizes) and their overlap, for the detector. */
  readonly crops: CropSettings;
  /** Which detector boxes count per zoom level: zoomed ones may need a higher score and a witness. */
  readonly detectionScores: DetectionScoreSettings;
  /** Grid sizes whose crops also get `<DENSE_REGION_CAPTION>` (each must be one of `crops.grids`). */
  readonly denseRegionZooms: readonly number[];
  /** Which Florence-2 tasks run (all four by default; off = that part of the evidence is missing). */
  readonly tasks: {
    readonly objectDetection: boolean;
    readonly denseRegions: boolean;
    readonly moreDetailedCaption: boolean;
    readonly phraseGrounding: boolean;
  };
  readonly maxNewTokens: number;
  /** Beam search width (the model's generation_config.json says 3). */
  readonly numBeams: number;
  /** Crops per vision-encoder call (Florence-2's text generation itself runs one crop at a time). */
  readonly visionBatch: number;
  /** Crops per detector call when the detector takes batches. */
  readonly detectorBatch: number;
}

export const DEFAULT_TEACHER_SETTINGS: TeacherSettings = Object.freeze({
  crops: DEFAULT_CROP_SETTINGS,
  detectionScores: UNCORROBORATED_SCORES,
  denseRegionZooms: Object.freeze([1, 2, 3]),
  tasks: Object.freeze({
    objectDetection: true,
    denseRegions: true,
    moreDetailedCaption: true,
    phraseGrounding: true,
  }),
  maxNewTokens: 256,
  numBeams: 3,
  visionBatch: 4,
  detectorBatch: 16,
});

export interface TeacherLoadOptions {
  /** Florence-2 model id (public/models/<id>/ first, then the hub); null runs the detector alone. */
  readonly florenceModelId: string | null;
  readonly device: DevicePreference;
  /** Per-session dtype overrides; the rest follow FLORENCE_DTYPE_TABLE. */
  readonly dtypes?: Partial<Record<FlorenceSession, ModelDtype>>;
  /** Where the app serves FastestDet (ONNX file and class names). */
  readonly detector: { readonly modelUrl: string; readonly namesUrl: string };
}

export interface TeacherInfo {
  readonly device: TeacherDevice;
  readonly reason: string;
  readonly detector: { readonly id: string; readonly batchSize: number };
  readonly florence: {
    readonly modelId: string;
    readonly revision: string;
    readonly dtypes: FlorenceDtypes;
  } | null;
  /**
   * Florence-2 was asked for but is not here (not on disk, hub unreachable, files missing): the evidence comes
   * from the detector alone, and the UI says so once with this message (FlorenceUnavailableError's).
   */
  readonly florenceUnavailable: { readonly modelId: string; readonly message: string } | null;
}

export interface EvidenceRequest {
  /** Content hash of the image file: part of every cache key. */
  readonly imageId: string;
  /** The normalized pixels (orientation applied), RGBA or RGB. Transfer `data`. */
  readonly image: RasterImage;
  /** The student's caption to ground; null skips phrase grounding. */
  readonly caption: string | null;
}

export interface TaskFailure {
  readonly task: FlorenceTask | 'detector';
  readonly cropId: string;
  readonly name: string;
  readonly message: string;
}

export interface EvidenceStats {
  /** Crops the detector saw, and how many of them had to run (the rest came from the cache). */
  readonly detectorCrops: number;
  readonly detectorRuns: number;
  readonly florenceCalls: number;
  readonly florenceRuns: number;
  /** Crops put through the vision encoder (0 when every Florence-2 result was cached). */
  readonly visionEncoded: number;
  /** From the start of the run (the detector runs once for all its images) to this image's evidence. */
  readonly elapsedMs: number;
}

/** Everything the teacher and the detector found for one image: the critic's Evidence plus provenance. */
export interface TeacherEvidence {
  readonly imageId: string;
  readonly caption: string | null;
  readonly evidence: Evidence;
  readonly crops: readonly Crop[];
  readonly models: {
    readonly detector: string;
    readonly florence: string | null;
    readonly florenceRevision: string | null;
  };
  readonly stats: EvidenceStats;
  /** Florence-2 tasks or detector crops that failed; the evidence is built from the rest. */
  readonly failures: readonly TaskFailure[];
}

/** One per request, in request order. A cancelled run gives the finished ones and `AbortError` for the rest. */
export type EvidenceOutcome =
  | { readonly imageId: string; readonly ok: true; readonly result: TeacherEvidence }
  | { readonly imageId: string; readonly ok: false; readonly error: { name: string; message: string } };

export interface EvidenceProgress {
  readonly imageId: string;
  readonly stage: 'detector' | 'vision' | 'florence' | 'done';
  /** Steps done and total for this image (detector crops, or Florence-2 calls). */
  readonly done: number;
  readonly total: number;
  /** Images finished in this run, and the run's size. */
  readonly completedImages: number;
  readonly totalImages: number;
}

export type { ModelDtype };
