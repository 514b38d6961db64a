/**
 * The Florence-2 half of the evidence path for one image: which task runs on which crop, answered from the
 * cache where possible; the crops that still need a model run go through the vision encoder in batches of
 * `visionBatch`, and every task on a crop reuses that crop's features. A failed task is recorded and left
 * out (and not cached, so the next run tries again); the rest of the evidence stands.
 */
import type { FlorenceResults } from '../evidence';
import { readFlorenceBoxes, readFlorenceText } from '../florence';
import type { Crop } from '../crops';
import type { RasterImage } from '../raster';
import type { ImageRef, TeacherCache } from './cache';
import { florenceCacheKey } from './cache';
import type { FlorenceRunResult, FlorenceRuntime } from './florence-runtime';
import { cropRaster } from './raster-crop';
import type { FlorenceTask, TaskFailure, TeacherSettings } from './types';

export interface FlorenceJob {
  readonly task: FlorenceTask;
  readonly crop: Crop;
  /** Appended to the task prompt (the caption, for phrase grounding). */
  readonly text: string;
}

export interface FlorenceJobHooks {
  readonly signal?: AbortSignal;
  /** Awaited between model runs (pause); resolves false when the run is cancelled. */
  readonly checkpoint?: () => Promise<boolean>;
  readonly onProgress?: (stage: 'vision' | 'florence', done: number, total: number) => void;
}

export interface FlorenceJobsOutcome {
  readonly florence: FlorenceResults;
  readonly failures: TaskFailure[];
  readonly calls: number;
  readonly runs: number;
  readonly visionEncoded: number;
}

export class EvidenceCancelledError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('The evidence run was cancelled.');
  }
}

/** The jobs the settings ask for; whole-image tasks on `whole`, dense regions on the chosen zoom levels. */
export function planFlorenceJobs(
  whole: Crop,
  crops: readonly Crop[],
  caption: string | null,
  settings: TeacherSettings,
): FlorenceJob[] {
  const t = settings.tasks;
  const jobs: FlorenceJob[] = [];
  if (t.objectDetection) jobs.push({ task: '<OD>', crop: whole, text: '' });
  if (t.moreDetailedCaption) jobs.push({ task: '<MORE_DETAILED_CAPTION>', crop: whole, text: '' });
  if (t.phraseGrounding && caption !== null && caption.trim() !== '') {
    jobs.push({ task: '<CAPTION_TO_PHRASE_GROUNDING>', crop: whole, text: caption.trim() });
  }
  if (t.denseRegions) {
    for (const crop of crops) {
      if (settings.denseRegionZooms.includes(crop.zoom)) {
        jobs.push({ task: '<DENSE_REGION_CAPTION>', crop, text: '' });
      }
    }
  }
  return jobs;
}

/** Throws FlorenceResultError when the answer is not what the critic reads for this task. */
function validate(task: FlorenceTask, result: unknown): void {
  if (task === '<MORE_DETAILED_CAPTION>') readFlorenceText(result, task);
  else readFlorenceBoxes(result, task);
}

function collect(
  jobs: readonly FlorenceJob[],
  answers: ReadonlyMap<FlorenceJob, FlorenceRunResult>,
): FlorenceResults {
  const whole = (task: FlorenceTask) => {
    const job = jobs.find((j) => j.task === task);
    return job === undefined ? undefined : answers.get(job)?.result;
  };
  const grounding = jobs.find((j) => j.task === '<CAPTION_TO_PHRASE_GROUNDING>');
  const groundingAnswer = grounding === undefined ? undefined : answers.get(grounding);
  const od = whole('<OD>');
  const detailed = whole('<MORE_DETAILED_CAPTION>');
  return {
    ...(od === undefined ? {} : { objectDetection: od }),
    ...(detailed === undefined ? {} : { moreDetailedCaption: detailed }),
    ...(grounding && groundingAnswer
      ? { phraseGrounding: { caption: grounding.text, result: groundingAnswer.result } }
      : {}),
    denseRegions: jobs.flatMap((j) => {
      const a = j.task === '<DENSE_REGION_CAPTION>' ? answers.get(j) : undefined;
      return a === undefined ? [] : [{ crop: j.crop, result: a.result }];
    }),
  };
}

export async function runFlorenceJobs(
  image: RasterImage,
  ref: ImageRef,
  jobs: readonly FlorenceJob[],
  runtime: FlorenceRuntime,
  cache: TeacherCache,
  settings: TeacherSettings,
  hooks: FlorenceJobHooks = {},
): Promise<FlorenceJobsOutcome> {
  const generation = { maxNewTokens: settings.maxNewTokens, numBeams: settings.numBeams };
  const keys = await Promise.all(
    jobs.map((j) => florenceCacheKey(ref, runtime, j.task, j.crop, generation, j.text)),
  );
  const answers = new Map<FlorenceJob, FlorenceRunResult>();
  const pending: number[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const hit = await cache.get<FlorenceRunResult>(keys[i]!);
    if (hit === undefined) pending.push(i);
    else answers.set(jobs[i]!, hit);
  }
  const failures: TaskFailure[] = [];
  // One vision encoding per window, whichever jobs share it (grouped by crop id, not object identity).
  const crops = [...new Map(pending.map((i) => [jobs[i]!.crop.id, jobs[i]!.crop])).values()];
  let done = jobs.length - pending.length;
  let runs = 0;
  hooks.onProgress?.('florence', done, jobs.length);
  const goOn = async (): Promise<void> => {
    if (hooks.signal?.aborted || (hooks.checkpoint && !(await hooks.checkpoint()))) {
      throw new EvidenceCancelledError();
    }
  };
  for (let start = 0; start < crops.length; start += settings.visionBatch) {
    await goOn();
    const chunk = crops.slice(start, start + settings.visionBatch);
    hooks.onProgress?.('vision', start, crops.length);
    let features;
    try {
      features = await runtime.encodeImages(chunk.map((c) => cropRaster(image, c)));
    } catch (error) {
      for (const i of pending.filter((p) => chunk.some((c) => c.id === jobs[p]!.crop.id))) {
        failures.push(failureOf(jobs[i]!, error));
      }
      continue;
    }
    try {
      for (const [c, crop] of chunk.entries()) {
        for (const i of pending.filter((p) => jobs[p]!.crop.id === crop.id)) {
          await goOn();
          const job = jobs[i]!;
          try {
            const answer = await runtime.run(job.task, features[c]!, job.text, generation);
            validate(job.task, answer.result);
            answers.set(job, answer);
            await cache.put(keys[i]!, answer, `Florence-2 ${job.task} result`);
          } catch (error) {
            if (error instanceof EvidenceCancelledError) throw error;
            failures.push(failureOf(job, error));
          }
          runs++;
          hooks.onProgress?.('florence', ++done, jobs.length);
        }
      }
    } finally {
      runtime.release(features);
    }
  }
  return {
    florence: collect(jobs, answers),
    failures,
    calls: jobs.length,
    runs,
    visionEncoded: crops.length,
  };
}

function failureOf(job: FlorenceJob, error: unknown): TaskFailure {
  const e = error instanceof Error ? error : new Error(String(error));
  return { task: job.task, cropId: job.crop.id, name: e.name, message: e.message };
}
