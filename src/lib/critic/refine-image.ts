/**
 * The critic for one image: the TextGrad-style loop of src/lib/critic (critique → feedback → rewrite, up to
 * `maxSteps`) with one engine as critic and writer, every engine call cached (caching-engine.ts). Ensemble:
 * the enhancing and the checklist prompts scored together, the loss averaged.
 */
import type { EvidenceCalibration } from './calibration';
import type { CriticEngine } from './engines/engine';
import type { CriticMember } from './ensemble';
import type { Evidence } from '../evidence/evidence';
import type { Refinement } from './loop';
import { refineCaption } from './loop';
import { CRITIQUE_CHECKLIST, CRITIQUE_ENHANCING } from './prompts';
import type { SynonymTable } from '../vocabulary/synonyms';
import type { ReplyCache } from './engines/caching-engine';
import { CachingEngine } from './engines/caching-engine';

export interface CriticRunSettings {
  /** Rewrite steps at most (the loop also stops when the critique is clean). */
  readonly maxSteps: number;
  /** Score with both critique prompts and average the loss. */
  readonly ensemble: boolean;
  readonly maxFeedbackChars: number;
}

export const DEFAULT_CRITIC_RUN_SETTINGS: CriticRunSettings = Object.freeze({
  maxSteps: 3,
  ensemble: false,
  maxFeedbackChars: 600,
});

export interface ImageRefinement {
  readonly imageId: string;
  readonly caption: string;
  readonly engine: string;
  readonly refinement: Refinement;
  /** Engine calls made now, and those answered from the cache. */
  readonly calls: number;
  readonly cacheHits: number;
}

export async function refineImage(
  input: { readonly imageId: string; readonly caption: string; readonly evidence: Evidence },
  engine: CriticEngine,
  deps: {
    readonly table: SynonymTable;
    readonly cache: ReplyCache;
    readonly engineRevision?: string;
    /** The evidence's measured reliability: only contradicted mentions and confirmed omissions are findings. */
    readonly calibration?: EvidenceCalibration;
  },
  settings: CriticRunSettings = DEFAULT_CRITIC_RUN_SETTINGS,
  signal?: AbortSignal,
): Promise<ImageRefinement> {
  const cached = new CachingEngine(engine, deps.cache, input.imageId, deps.engineRevision);
  const prompts = settings.ensemble ? [CRITIQUE_ENHANCING, CRITIQUE_CHECKLIST] : [CRITIQUE_ENHANCING];
  const critics: CriticMember[] = prompts.map((prompt) => ({ engine: cached, prompt }));
  const refinement = await refineCaption(input.caption, input.evidence, deps.table, {
    critics,
    writer: cached,
    maxSteps: settings.maxSteps,
    maxFeedbackChars: settings.maxFeedbackChars,
    ...(deps.calibration ? { calibration: deps.calibration } : {}),
    ...(signal ? { generate: { signal } } : {}),
  });
  return {
    imageId: input.imageId,
    caption: input.caption,
    engine: engine.id,
    refinement,
    calls: cached.calls,
    cacheHits: cached.hits,
  };
}
