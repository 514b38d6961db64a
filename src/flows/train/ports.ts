import type { CaptionRequest, StudentModelInfo } from '../../lib/caption/types';
import type { TrainRequest, TrainResult, TrainingEvent } from '../../lib/train/worker-api';

/**
 * What the training controller needs from the outside world, as small interfaces: the browser wires them to
 * the student worker, IndexedDB, the studio's captioning and the critic (browser-training.ts); unit tests
 * wire them to fakes. No Comlink, no DOM in the controller.
 */

/** Training calls into the student worker (TrainingWorkerApi), with the model and device of the settings. */
export interface TrainingPort {
  train(
    request: Omit<TrainRequest, 'source' | 'device'>,
    onEvent: (event: TrainingEvent) => void | Promise<void>,
    images: (ids: string[]) => Promise<CaptionRequest[]>,
  ): Promise<TrainResult>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** Captioning uses these weights from now on (null: the student's own). */
  useWeights(checkpoint: { bytes: Uint8Array; label: string } | null): Promise<StudentModelInfo>;
  tunedFolder(
    checkpoint: Uint8Array,
  ): Promise<{ source: Record<string, Uint8Array>; tuned: Record<string, Uint8Array> }>;
}

/** Checkpoint bytes in IndexedDB (src/lib/store CheckpointRepository). */
export interface CheckpointBytes {
  put(id: string, label: string, bytes: Uint8Array): Promise<{ byteLength: number; createdAt: number }>;
  get(id: string): Promise<Uint8Array | undefined>;
  delete(id: string): Promise<void>;
  estimate(): Promise<{ usage: number; quota: number } | undefined>;
}

/** The studio's captioning, as the rounds use it. */
export interface CaptioningPort {
  /** Resolves when nothing is being ingested or captioned. */
  settled(): Promise<void>;
  captionAgain(ids: readonly string[]): void;
}

/** What scoring reads besides the captions. */
/** The critic run, for rounds after the first: critique and refine the new captions. */
export interface CriticRunPort {
  refine(imageIds: readonly string[], signal: AbortSignal): Promise<void>;
}

/** Pixels of images for the worker's encoder (decoded as captioning decodes them). */
export type ImagePixels = (ids: string[]) => Promise<CaptionRequest[]>;
