/**
 * The evidence orchestrator: for each image, crops at every zoom level → the detector on every crop (batched
 * across windows and images, answered from the cache where possible) → boxes mapped back and merged → the
 * Florence-2 tasks (florence-jobs.ts) → one typed TeacherEvidence record, built by the critic's
 * buildEvidence so that the critic reads exactly what the UI shows. One bad image fails alone.
 */
import type { SynonymTable } from '../../vocabulary/synonyms';
import { buildEvidence } from '../evidence';
import type { Crop } from '../crops';
import { validateCropSettings } from '../crops';
import type { ImageDetections } from '../detect';
import { DEFAULT_DETECTION_SETTINGS, detectAcrossCrops } from '../detect';
import type { RegionDetector } from '../detector';
import type { RasterImage } from '../raster';
import { validateScoreSettings } from '../corroborate';
import { assertRaster } from '../raster';
import type { ImageRef, TeacherCache } from './cache';
import { CachingDetector } from './caching-detector';
import type { FlorenceJobsOutcome } from './florence-jobs';
import { EvidenceCancelledError, planFlorenceJobs, runFlorenceJobs } from './florence-jobs';
import type { FlorenceRuntime } from './florence-runtime';
import type {
  EvidenceOutcome,
  EvidenceProgress,
  EvidenceRequest,
  TeacherEvidence,
  TeacherSettings,
} from './types';

export class InvalidTeacherSettingsError extends Error {
  override readonly name = 'InvalidTeacherSettingsError';
}

export interface EvidenceDeps {
  readonly detector: RegionDetector;
  /** null: detector-only evidence (no Florence-2 loaded). */
  readonly florence: FlorenceRuntime | null;
  readonly cache: TeacherCache;
  readonly table: SynonymTable;
}

export interface EvidenceHooks {
  readonly signal?: AbortSignal;
  readonly checkpoint?: () => Promise<boolean>;
  readonly onProgress?: (progress: EvidenceProgress) => void;
  /** Each image's outcome as soon as it is final (persist it then). */
  readonly onOutcome?: (outcome: EvidenceOutcome) => void;
  readonly now?: () => number;
}

const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;

export function validateTeacherSettings(s: TeacherSettings): void {
  validateCropSettings(s.crops);
  validateScoreSettings(s.detectionScores);
  for (const z of s.denseRegionZooms) {
    if (!s.crops.grids.includes(z)) {
      throw new InvalidTeacherSettingsError(
        `Dense regions on zoom ${z}, which is not one of the zoom levels (${s.crops.grids.join(', ')}).`,
      );
    }
  }
  for (const [name, v] of [
    ['maxNewTokens', s.maxNewTokens],
    ['numBeams', s.numBeams],
    ['visionBatch', s.visionBatch],
    ['detectorBatch', s.detectorBatch],
  ] as const) {
    if (!positiveInt(v))
      throw new InvalidTeacherSettingsError(`${name} must be a whole number ≥ 1, got ${v}.`);
  }
}

function errorInfo(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

const WHOLE = (image: RasterImage): Crop => ({
  id: 'z1-r0-c0',
  zoom: 1,
  row: 0,
  col: 0,
  x: 0,
  y: 0,
  width: image.width,
  height: image.height,
});

export async function gatherEvidence(
  requests: readonly EvidenceRequest[],
  deps: EvidenceDeps,
  settings: TeacherSettings,
  hooks: EvidenceHooks = {},
): Promise<EvidenceOutcome[]> {
  validateTeacherSettings(settings);
  const now = hooks.now ?? (() => performance.now());
  const started = now();
  const outcomes: Array<EvidenceOutcome | undefined> = requests.map(() => undefined);
  let completed = 0;
  const settle = (i: number, outcome: EvidenceOutcome): void => {
    outcomes[i] = outcome;
    completed++;
    hooks.onOutcome?.(outcome);
  };

  // Images that cannot be read fail alone, before any model runs.
  const valid: number[] = [];
  requests.forEach((r, i) => {
    try {
      assertRaster(r.image);
      valid.push(i);
    } catch (error) {
      settle(i, { imageId: r.imageId, ok: false, error: errorInfo(error) });
    }
  });
  const refs = new Map<RasterImage, ImageRef>(
    valid.map((i) => {
      const r = requests[i]!;
      return [r.image, { imageId: r.imageId, width: r.image.width, height: r.image.height }];
    }),
  );
  const progress = (imageId: string, stage: EvidenceProgress['stage'], done: number, total: number) =>
    hooks.onProgress?.({
      imageId,
      stage,
      done,
      total,
      completedImages: completed,
      totalImages: requests.length,
    });

  const detector = new CachingDetector(
    deps.detector,
    deps.cache,
    refs,
    settings.detectorBatch,
    (done, total) => progress(requests[valid[0] ?? 0]?.imageId ?? '', 'detector', done, total),
  );
  let detections: ImageDetections[];
  try {
    detections = await detectAcrossCrops(
      valid.map((i) => requests[i]!.image),
      detector,
      { ...DEFAULT_DETECTION_SETTINGS, crops: settings.crops, scores: settings.detectionScores },
      hooks.signal,
    );
  } catch (error) {
    const cancelled = hooks.signal?.aborted === true;
    for (const i of valid) {
      settle(i, {
        imageId: requests[i]!.imageId,
        ok: false,
        error: cancelled ? errorInfo(new EvidenceCancelledError()) : errorInfo(error),
      });
    }
    return outcomes as EvidenceOutcome[];
  }

  for (const [k, i] of valid.entries()) {
    const request = requests[i]!;
    const { image, imageId } = request;
    const found = detections[k]!;
    try {
      let florence: FlorenceJobsOutcome | null = null;
      if (deps.florence !== null) {
        const whole = found.crops.find((c) => c.zoom === 1) ?? WHOLE(image);
        const jobs = planFlorenceJobs(whole, found.crops, request.caption, settings);
        florence = await runFlorenceJobs(image, refs.get(image)!, jobs, deps.florence, deps.cache, settings, {
          ...(hooks.signal ? { signal: hooks.signal } : {}),
          ...(hooks.checkpoint ? { checkpoint: hooks.checkpoint } : {}),
          onProgress: (stage, done, total) => progress(imageId, stage, done, total),
        });
      }
      const evidence = buildEvidence(
        {
          imageWidth: image.width,
          imageHeight: image.height,
          detections: found.detections,
          ...(florence ? { florence: florence.florence } : {}),
        },
        deps.table,
      );
      const result: TeacherEvidence = {
        imageId,
        caption: request.caption,
        evidence,
        crops: found.crops,
        models: {
          detector: deps.detector.id,
          florence: deps.florence?.modelId ?? null,
          florenceRevision: deps.florence?.revision ?? null,
        },
        stats: {
          detectorCrops: found.crops.length,
          detectorRuns: detector.ranByImage.get(imageId) ?? 0,
          florenceCalls: florence?.calls ?? 0,
          florenceRuns: florence?.runs ?? 0,
          visionEncoded: florence?.visionEncoded ?? 0,
          elapsedMs: now() - started,
        },
        failures: florence?.failures ?? [],
      };
      settle(i, { imageId, ok: true, result });
      progress(imageId, 'done', 1, 1);
    } catch (error) {
      settle(i, { imageId, ok: false, error: errorInfo(error) });
      if (error instanceof EvidenceCancelledError) {
        for (const j of valid.slice(k + 1)) {
          settle(j, { imageId: requests[j]!.imageId, ok: false, error: errorInfo(error) });
        }
        break;
      }
    }
  }
  return outcomes as EvidenceOutcome[];
}
