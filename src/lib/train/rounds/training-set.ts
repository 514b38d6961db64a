/**
 * Which captions a round trains on, and with what weight (issue 5): every accepted target (a refinement or the
 * person's edit), weighted by the critic's score if asked, plus some images whose caption was already clean,
 * at their own caption, so that simple images do not drift (the seed's stability claim).
 *
 * Weights of the accepted samples are normalized to mean 1, so that weighting changes the balance between
 * samples and never the overall step size the learning rate was tuned for. Clean samples get `cleanWeight`
 * on that same scale. The weight ends up per row in the batch (graph/batches.ts TrainingSample.weight).
 *
 * A sample's life, one type per stage: a TrainingCandidate (every critiqued image, before the person's decision
 * is applied) → a TrainingCaption (chosen, as text, with its weight; what a run is asked to learn) → a
 * TrainingSample (its tokens and its image's encoder states: the row the trainer consumes, service.ts).
 */
import { SeededRandom } from '../../core/rng';
import { LoopSettingsError, TrainingSetError } from './errors';

/** An image's caption before the person's decision is applied: maybe trained on (critic/records.ts makes them). */
export interface TrainingCandidate {
  readonly imageId: string;
  /**
   * 'accepted': train on `target`; 'clean': the critic found nothing to fix, `target` is the student's own
   * caption; 'rejected', 'pending' and 'unbacked' (an accepted rewrite the evidence does not back, see
   * critic/records.ts) are never trained on.
   */
  readonly status: 'accepted' | 'clean' | 'rejected' | 'pending' | 'unbacked';
  readonly target: string;
  /** Why it is not trained on, where there is more to say than its status ('unbacked': which change). */
  readonly reason?: string;
  /** The critic's score of `target`, in [0, 1]. */
  readonly targetScore?: number;
  /** The critic's score of the caption before refinement, in [0, 1]. */
  readonly originalScore?: number;
  /** The student's caption that an accepted target replaces (a preference run's rejected half of the pair). */
  readonly original?: string;
}

export type WeightingMode =
  /** Every accepted sample counts the same. */
  | 'uniform'
  /** By the critic's score of the target: trust good targets more. */
  | 'target-score'
  /** By how much the refinement improved the score: learn most where the student was most wrong. */
  | 'improvement';

export interface TrainingSetSettings {
  readonly weighting: WeightingMode;
  /** Raw weights below this are raised to it, so no accepted sample is ignored entirely. */
  readonly minWeight: number;
  /** Clean images mixed in per accepted sample (0: none; 0.25: one for every four), as many as there are. */
  readonly cleanRatio: number;
  readonly cleanWeight: number;
  /** Which clean images are drawn (with cleanRatio < available); the same seed draws the same ones. */
  readonly seed: number;
}

export const DEFAULT_TRAINING_SET_SETTINGS: TrainingSetSettings = {
  weighting: 'uniform',
  minWeight: 0.1,
  cleanRatio: 0.25,
  cleanWeight: 1,
  seed: 0,
};

/** A caption chosen to train on, as text, with its weight. */
export interface TrainingCaption {
  readonly imageId: TrainingCandidate['imageId'];
  /** The candidate's target, trimmed. */
  readonly text: string;
  readonly weight: number;
  /** Why it was chosen: an accepted target, or a clean caption mixed in (the trainer does not need to know). */
  readonly kind: 'refined' | 'clean';
  /** The caption the target replaced (the student's own): a preference run's rejected half of the pair. */
  readonly rejected?: string;
}

export interface TrainingSet {
  /** Accepted samples first (candidate order), then the clean ones drawn (candidate order). */
  readonly samples: readonly TrainingCaption[];
  readonly refined: number;
  readonly clean: number;
  readonly cleanAvailable: number;
  /** Rejected, pending, not backed, or with an empty target. */
  readonly skipped: number;
  /** Of those skipped, the ones with a reason to show (accepted rewrites the evidence does not back). */
  readonly skippedReasons: readonly { readonly imageId: string; readonly reason: string }[];
}

function validate(s: TrainingSetSettings): void {
  if (!(s.minWeight > 0)) throw new LoopSettingsError(`minWeight must be above 0, got ${s.minWeight}.`);
  if (!(s.cleanRatio >= 0) || !Number.isFinite(s.cleanRatio)) {
    throw new LoopSettingsError(`cleanRatio must be 0 or more, got ${s.cleanRatio}.`);
  }
  if (!(s.cleanWeight > 0) || !Number.isFinite(s.cleanWeight)) {
    throw new LoopSettingsError(`cleanWeight must be above 0, got ${s.cleanWeight}.`);
  }
}

function score(c: TrainingCandidate, which: 'targetScore' | 'originalScore', mode: WeightingMode): number {
  const v = c[which];
  if (v === undefined || !Number.isFinite(v)) {
    throw new TrainingSetError(
      `Weighting by ${mode} needs the critic's ${which === 'targetScore' ? 'score of the target' : 'score before refinement'}` +
        ` for every accepted caption; image ${c.imageId} has none. Score it, or weight uniformly.`,
    );
  }
  return v;
}

function rawWeight(c: TrainingCandidate, s: TrainingSetSettings): number {
  const w =
    s.weighting === 'uniform'
      ? 1
      : s.weighting === 'target-score'
        ? score(c, 'targetScore', s.weighting)
        : score(c, 'targetScore', s.weighting) - score(c, 'originalScore', s.weighting);
  return Math.max(s.minWeight, w);
}

export function buildTrainingSet(
  candidates: readonly TrainingCandidate[],
  settings: TrainingSetSettings = DEFAULT_TRAINING_SET_SETTINGS,
): TrainingSet {
  validate(settings);
  const usable = (c: TrainingCandidate) => c.target.trim().length > 0;
  const accepted = candidates.filter((c) => c.status === 'accepted' && usable(c));
  const clean = candidates.filter((c) => c.status === 'clean' && usable(c));
  const raw = accepted.map((c) => rawWeight(c, settings));
  const mean = raw.reduce((a, b) => a + b, 0) / Math.max(1, raw.length);
  const refinedSamples: TrainingCaption[] = accepted.map((c, i) => {
    const text = c.target.trim();
    const original = c.original?.trim();
    return {
      imageId: c.imageId,
      text,
      weight: raw[i]! / mean,
      kind: 'refined',
      ...(original && original !== text ? { rejected: original } : {}),
    };
  });
  const wanted = Math.min(clean.length, Math.round(settings.cleanRatio * accepted.length));
  const drawn = new Set(new SeededRandom(settings.seed).permutation(clean.length).slice(0, wanted));
  const cleanSamples: TrainingCaption[] = clean
    .filter((_, i) => drawn.has(i))
    .map((c) => ({ imageId: c.imageId, text: c.target.trim(), weight: settings.cleanWeight, kind: 'clean' }));
  return {
    samples: [...refinedSamples, ...cleanSamples],
    refined: refinedSamples.length,
    clean: cleanSamples.length,
    cleanAvailable: clean.length,
    skipped: candidates.length - accepted.length - clean.length,
    skippedReasons: candidates.flatMap((c) =>
      c.status !== 'accepted' && c.status !== 'clean' && c.reason !== undefined
        ? [{ imageId: c.imageId, reason: c.reason }]
        : [],
    ),
  };
}
