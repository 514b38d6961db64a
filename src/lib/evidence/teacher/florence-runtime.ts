/**
 * What the evidence path needs from Florence-2, as a small interface: vision features for a batch of
 * images in one vision-encoder call, then one task at a time on one image's features (transformers.js
 * generates Florence-2 at batch size 1). The transformers.js implementation is florence-transformers.ts;
 * tests of the orchestrator use fakes.
 */
import type { RasterImage } from '../raster';
import type { FlorenceDtypes, FlorenceTask } from './types';

/** One image's vision features; opaque outside the runtime that made them. */
export interface VisionFeatures {
  readonly width: number;
  readonly height: number;
}

export interface FlorenceGeneration {
  readonly maxNewTokens: number;
  readonly numBeams: number;
  /** End-of-text suppressed until this many tokens (benchmarks force a length; 0 or absent = off). */
  readonly minNewTokens?: number;
}

export interface FlorenceRunResult {
  /** post_process_generation's `{ [task]: answer }` (src/lib/evidence/florence.ts reads it). */
  readonly result: unknown;
  /** The decoded text with its special and location tokens. */
  readonly text: string;
  readonly newTokens: number;
}

export interface FlorenceRuntime {
  readonly modelId: string;
  /** Revision and dtypes, e.g. 'main|fp16/fp16/q4/q4': results differ between them, so cache keys carry it. */
  readonly revision: string;
  readonly dtypes: FlorenceDtypes;
  /** Features of every image from one vision-encoder call (`images.length` is the batch). */
  encodeImages(images: readonly RasterImage[]): Promise<VisionFeatures[]>;
  /** Runs `task` (with `text` after it, for phrase grounding) on one image's features. */
  run(
    task: FlorenceTask,
    features: VisionFeatures,
    text: string,
    generation: FlorenceGeneration,
  ): Promise<FlorenceRunResult>;
  /** Frees features that are no longer needed. */
  release(features: readonly VisionFeatures[]): void;
  dispose(): Promise<void>;
}
