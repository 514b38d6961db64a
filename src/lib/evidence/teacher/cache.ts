/**
 * Every detector and Florence-2 call of the evidence path is cached by content (src/lib/store's cacheKey):
 * image hash, model id and revision (Florence-2's dtypes included), task, crop, the cache format version and
 * whatever else changes the answer (generation settings, the caption being grounded). A rerun of the same
 * image costs nothing, and a reload resumes with the calls that were not done yet.
 */
import type { RegionDetection } from '../detector';
import type { Crop } from '../crops';
import type { PixelRegion } from '../raster';
import { cacheKey } from '../../store/cache-key';
import type { FlorenceGeneration, FlorenceRunResult } from './florence-runtime';
import type { FlorenceTask } from './types';

/** The slice of src/lib/store's ContentCache the teacher uses (IndexedDB in the worker, a Map in tests). */
export interface TeacherCache {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown, what?: string): Promise<void>;
}

/** Bump when pre- or post-processing changes what a cached answer would be. */
export const TEACHER_CACHE_VERSION = 1;

const cropPart = (crop: PixelRegion & { readonly zoom?: number }) => ({
  x: crop.x,
  y: crop.y,
  width: crop.width,
  height: crop.height,
  zoom: crop.zoom,
});

export interface ImageRef {
  readonly imageId: string;
  /** The normalized pixel size the crops are planned on. */
  readonly width: number;
  readonly height: number;
}

export function detectorCacheKey(
  image: ImageRef,
  detectorId: string,
  crop: PixelRegion & { readonly zoom?: number },
): Promise<string> {
  return cacheKey({
    imageId: image.imageId,
    model: { id: detectorId, revision: 'shipped' },
    task: 'detect',
    crop: cropPart(crop),
    promptVersion: TEACHER_CACHE_VERSION,
    extra: { imageWidth: image.width, imageHeight: image.height },
  });
}

export function florenceCacheKey(
  image: ImageRef,
  model: { readonly modelId: string; readonly revision: string },
  task: FlorenceTask,
  crop: Crop,
  generation: FlorenceGeneration,
  text: string,
): Promise<string> {
  return cacheKey({
    imageId: image.imageId,
    model: { id: model.modelId, revision: model.revision },
    task,
    crop: cropPart(crop),
    promptVersion: TEACHER_CACHE_VERSION,
    extra: {
      imageWidth: image.width,
      imageHeight: image.height,
      maxNewTokens: generation.maxNewTokens,
      numBeams: generation.numBeams,
      text,
    },
  });
}

export type CachedDetection = readonly RegionDetection[];
export type CachedFlorence = FlorenceRunResult;

/** An in-memory TeacherCache (tests, and the benchmark's "no cache" runs use a fresh one each time). */
export class MemoryTeacherCache implements TeacherCache {
  readonly entries = new Map<string, unknown>();
  async get<T>(key: string): Promise<T | undefined> {
    return this.entries.get(key) as T | undefined;
  }
  async put(key: string, value: unknown): Promise<void> {
    this.entries.set(key, structuredClone(value));
  }
}
