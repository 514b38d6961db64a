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

/** One gatherEvidence call's bookkeeping: each image's outcome as it settles, and the progress reports. */
class EvidenceRun {
  readonly outcomes: Array<EvidenceOutcome | undefined>;
  #completed = 0;

  constructor(
    private readonly requests: readonly EvidenceRequest[],
    private readonly hooks: EvidenceHooks,
  ) {
    this.outcomes = requests.map(() => undefined);
  }

  settle(i: number, outcome: EvidenceOutcome): void {
    this.outcomes[i] = outcome;
    this.#completed++;
    this.hooks.onOutcome?.(outcome);
  }

  /** Fails every image in `indices` with the same error. */
  failAll(indices: readonly number[], error: unknown): void {
    for (const i of indices) {
      this.settle(i, { imageId: this.requests[i]!.imageId, ok: false, error: errorInfo(error) });
    }
  }

  progress(imageId: string, stage: EvidenceProgress['stage'], done: number, total: number): void {
    this.hooks.onProgress?.({
      imageId,
      stage,
      done,
      total,
      completedImages: this.#completed,
      totalImages: this.requests.length,
    });
  }
}

/** What building one image's evidence needs besides its request and detections. */
interface ImageEvidenceContext {
  readonly deps: EvidenceDeps;
  readonly settings: TeacherSettings;
  readonly hooks: EvidenceHooks;
  readonly run: EvidenceRun;
  readonly refs: ReadonlyMap<RasterImage, ImageRef>;
  readonly detector: CachingDetector;
  /** Milliseconds since the call started. */
  readonly elapsed: () => number;
}

export async function gatherEvidence(
  requests: readonly EvidenceRequest[],
  deps: EvidenceDeps,
  settings: TeacherSettings,
  hooks: EvidenceHooks = {},
): Promise<EvidenceOutcome[]> {
  validateTeacherSettings(settings);
  const now = hooks.now ?? (() => performance.now());
  const started = now();
  const run = new EvidenceRun(requests, hooks);
  const valid = readableImages(requests, run);
  const refs = new Map<RasterImage, ImageRef>(
    valid.map((i) => {
      const r = requests[i]!;
      return [r.image, { imageId: r.imageId, width: r.image.width, height: r.image.height }];
    }),
  );
  const detector = new CachingDetector(
    deps.detector,
    deps.cache,
    refs,
    settings.detectorBatch,
    (done, total) => run.progress(requests[valid[0] ?? 0]?.imageId ?? '', 'detector', done, total),
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
    run.failAll(valid, hooks.signal?.aborted === true ? new EvidenceCancelledError() : error);
    return run.outcomes as EvidenceOutcome[];
  }

  const context: ImageEvidenceContext = {
    deps,
    settings,
    hooks,
    run,
    refs,
    detector,
    elapsed: () => now() - started,
  };
  for (const [k, i] of valid.entries()) {
    const request = requests[i]!;
    const { imageId } = request;
    try {
      const result = await imageEvidence(request, detections[k]!, context);
      run.settle(i, { imageId, ok: true, result });
      run.progress(imageId, 'done', 1, 1);
    } catch (error) {
      run.settle(i, { imageId, ok: false, error: errorInfo(error) });
      if (error instanceof EvidenceCancelledError) {
        run.failAll(valid.slice(k + 1), error);
        break;
      }
    }
  }
  return run.outcomes as EvidenceOutcome[];
}

/** The requests whose images can be read; the others fail alone, before any model runs. */
function readableImages(requests: readonly EvidenceRequest[], run: EvidenceRun): number[] {
  const valid: number[] = [];
  requests.forEach((r, i) => {
    try {
      assertRaster(r.image);
      valid.push(i);
    } catch (error) {
      run.settle(i, { imageId: r.imageId, ok: false, error: errorInfo(error) });
    }
  });
  return valid;
}

/** One image's record: its detections, the Florence-2 tasks when Florence is loaded, the evidence built from both. */
async function imageEvidence(
  request: EvidenceRequest,
  found: ImageDetections,
  context: ImageEvidenceContext,
): Promise<TeacherEvidence> {
  const { deps } = context;
  const { image, imageId } = request;
  const florence = deps.florence === null ? null : await florenceFor(request, found, deps.florence, context);
  const evidence = buildEvidence(
    {
      imageWidth: image.width,
      imageHeight: image.height,
      detections: found.detections,
      ...(florence ? { florence: florence.florence } : {}),
    },
    deps.table,
  );
  return {
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
      detectorRuns: context.detector.ranByImage.get(imageId) ?? 0,
      florenceCalls: florence?.calls ?? 0,
      florenceRuns: florence?.runs ?? 0,
      visionEncoded: florence?.visionEncoded ?? 0,
      elapsedMs: context.elapsed(),
    },
    failures: florence?.failures ?? [],
  };
}

function florenceFor(
  request: EvidenceRequest,
  found: ImageDetections,
  runtime: FlorenceRuntime,
  { deps, settings, hooks, run, refs }: ImageEvidenceContext,
): Promise<FlorenceJobsOutcome> {
  const { image, imageId } = request;
  const whole = found.crops.find((c) => c.zoom === 1) ?? WHOLE(image);
  const jobs = planFlorenceJobs(whole, found.crops, request.caption, settings);
  return runFlorenceJobs(image, refs.get(image)!, jobs, runtime, deps.cache, settings, {
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(hooks.checkpoint ? { checkpoint: hooks.checkpoint } : {}),
    onProgress: (stage, done, total) => run.progress(imageId, stage, done, total),
  });
}
