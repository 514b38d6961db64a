/**
 * The student's public types: what the UI sends to the student worker and what comes back.
 * Everything here is structured-clone safe (plain objects, typed arrays), so it crosses Comlink as is.
 */
import type { ComputeDevice, DevicePreference, DeviceResolution, ModelDtype } from '../core/devices';
import type { SerializedError } from '../core/errors';
import type { ModelSource } from '../core/model-sources';

/** Where the student runs (the teacher's TeacherDevice is the same choice). */
export type StudentDevice = ComputeDevice;

export interface LoadStudentOptions {
  source: ModelSource;
  device: DevicePreference;
  /** Default 'fp32'. Resolved once; an unknown value throws InvalidChoiceError listing the valid ones. */
  dtype?: ModelDtype;
}

export interface StudentModelInfo extends DeviceResolution {
  /** The model id, or the folder name for a user folder. */
  modelId: string;
  /** Where the files came from. */
  origin: 'app' | 'hub' | 'folder';
  dtype: ModelDtype;
  /** Encoder input size in pixels (from preprocessor_config.json). */
  imageSize: { width: number; height: number };
}

export interface GenerationSettings {
  /** 'greedy', or 'beam' search with `numBeams` beams. */
  strategy: 'greedy' | 'beam';
  /** Beams per image when strategy is 'beam' (>= 2). Ignored by greedy. */
  numBeams: number;
  /** Maximum tokens generated after the start token (>= 1). */
  maxNewTokens: number;
  /** End-of-text is suppressed until this many tokens exist (0 = off; the benchmark forces maxNewTokens). */
  minNewTokens: number;
  /** Images per encoder call and per decoding batch (>= 1). */
  batchSize: number;
}

export const DEFAULT_GENERATION_SETTINGS: GenerationSettings = {
  strategy: 'greedy',
  numBeams: 3,
  maxNewTokens: 20,
  minNewTokens: 0,
  batchSize: 4,
};

/**
 * Decoded pixels, row-major, 8 bits per channel; RGBA unless `channels` says otherwise (src/lib/ingest'
 * RgbaImage fits as is). Transfer `data`.
 */
export interface PixelImage {
  width: number;
  height: number;
  channels?: 1 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

/** Encoded file bytes (JPEG, PNG, WebP...). The worker decodes them with createImageBitmap. */
export interface EncodedImage {
  bytes: Uint8Array;
  mimeType: string;
}

export interface CaptionRequest {
  /** The caller's key (e.g. the content hash); results come back under it. */
  id: string;
  image: PixelImage | EncodedImage;
}

export type CaptionItemResult =
  | { id: string; status: 'done'; caption: string; tokenIds: number[] }
  | { id: string; status: 'failed'; error: SerializedError }
  | { id: string; status: 'cancelled' };

/** Per-image state of the batch being decoded. */
export interface ActiveItemProgress {
  id: string;
  stage: 'preprocessing' | 'encoding' | 'decoding' | 'finished';
  /** Tokens generated so far for this image (best beam for beam search). */
  generatedTokens: number;
  maxNewTokens: number;
}

/** Sent to the progress callback after every batch stage, every decode step and every state change. */
export interface CaptionProgress {
  state: 'running' | 'paused';
  /** Items with a final result (done or failed) so far, and the whole run's size. */
  completed: number;
  total: number;
  /** Overall in [0, 1], counting the partial progress of the current batch. */
  fraction: number;
  batchIndex: number;
  batchCount: number;
  /** The current batch only. */
  active: ActiveItemProgress[];
  /** Results that became final since the previous report: persist them as they come. */
  finished: CaptionItemResult[];
}

export interface CaptionRunResult {
  /** One per request, in request order. */
  items: CaptionItemResult[];
  cancelled: boolean;
  /** Wall time of the run minus time spent paused. */
  elapsedMs: number;
}
