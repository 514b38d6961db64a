import { COMMITTED_CALIBRATION } from '../../lib/critic/evidence-calibration';
import { PROMPTS } from '../../lib/critic/prompts';
import { backing, summarize } from '../../lib/critic/records';
import type { CriticRunSettings, ImageRefinement } from '../../lib/critic/refine-image';
import { DEFAULT_CRITIC_RUN_SETTINGS, refineImage } from '../../lib/critic/refine-image';
import { TEACHER_CACHE_VERSION } from '../../lib/evidence/teacher/cache';
import type { TeacherEvidence, TeacherSettings } from '../../lib/evidence/teacher/types';
import { cacheKey } from '../../lib/store/cache-key';
import type { StudioState } from '../../state/studio-state';
import type { CriticRunnerDeps } from './ports';

export type CritiqueDeps = Pick<CriticRunnerDeps, 'store' | 'data' | 'engine'>;

const PROMPT_VERSIONS = PROMPTS.map((p) => `${p.id}@${p.version}`).join(',');

/**
 * The critic on one image whose evidence the teacher gathered: stores the evidence and the critique, both
 * content-addressed (a reload redoes nothing already stored), then marks the item done with the critique's
 * summary and, when calibrated, whether the evidence backs the rewrite.
 */
export async function critiqueImage(
  result: TeacherEvidence,
  settings: TeacherSettings,
  signal: AbortSignal,
  deps: CritiqueDeps,
): Promise<void> {
  const { data, store } = deps;
  const state = (): StudioState => store.getState();
  const item = state().critic.items[result.imageId];
  if (item === undefined) return; // removed meanwhile
  const evidenceKey = await cacheKey({
    imageId: result.imageId,
    model: {
      id: result.models.florence ?? 'detector-only',
      revision: `${result.models.detector}|${result.models.florenceRevision ?? ''}`,
    },
    task: 'evidence',
    promptVersion: TEACHER_CACHE_VERSION,
    extra: { caption: result.caption, settings },
  });
  await data.cache.put(evidenceKey, result, 'the evidence of an image');
  state().criticPatchItem(result.imageId, { status: 'refining', evidenceKey });
  const { maxSteps, ensemble } = state().critic.settings;
  const run: CriticRunSettings = { ...DEFAULT_CRITIC_RUN_SETTINGS, maxSteps, ensemble };
  const { engine, revision } = await deps.engine();
  const { calibrated, calibrationTable } = state().critic.settings;
  const calibration = calibrated ? (calibrationTable ?? COMMITTED_CALIBRATION) : null;
  const table = await data.synonyms();
  const refined: ImageRefinement = await refineImage(
    { imageId: result.imageId, caption: item.caption, evidence: result.evidence },
    engine,
    {
      table,
      cache: data.cache,
      engineRevision: revision,
      ...(calibration ? { calibration } : {}),
    },
    run,
    signal,
  );
  const refinementKey = await cacheKey({
    imageId: result.imageId,
    model: { id: engine.id, revision },
    task: 'refinement',
    promptVersion: PROMPT_VERSIONS,
    extra: { evidenceKey, caption: item.caption, run, calibration },
  });
  await data.cache.put(refinementKey, refined, 'the critique of an image');
  // A critique without calibrated verdicts says nothing about backing: an earlier critique's verdict goes.
  const {
    error: _error,
    backed: _backed,
    unbackedChanges: _changes,
    ...rest
  } = state().critic.items[result.imageId] ?? item;
  state().criticPutItem({
    ...rest,
    status: 'done',
    evidenceKey,
    refinementKey,
    engine: engine.id,
    ...summarize(refined.refinement),
    ...(calibration ? backing(item.caption, refined.refinement, result.evidence, calibration, table) : {}),
  });
}
