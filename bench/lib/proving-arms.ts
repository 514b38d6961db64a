/**
 * The proving-ground bench's arms (issue 13): what each one trains on, from one round's pool, with the studio's
 * own decision and training-set code (critic/records.ts, train/rounds/training-set.ts). Pure, so that what
 * an arm puts in its training set is tested, not only measured.
 */
import type { EvidenceCalibration } from '../../src/lib/critic/calibration';
import { isBackedChange, objectChange } from '../../src/lib/critic/calibration';
import type { Evidence } from '../../src/lib/evidence/evidence';
import type { Refinement } from '../../src/lib/critic/loop';
import type { SynonymTable } from '../../src/lib/vocabulary/synonyms';
import type { CriticItem } from '../../src/lib/critic/records';
import { decide, summarize, trainingCandidate } from '../../src/lib/critic/records';
import { canonicalCategory } from '../../src/lib/score/student-scores';
import { namedCategories } from '../../src/lib/vocabulary/object-words';
import type {
  TrainingCandidate,
  TrainingSetSettings,
  TrainingCaption,
} from '../../src/lib/train/rounds/training-set';
import { buildTrainingSet } from '../../src/lib/train/rounds/training-set';

export const ARMS = ['none', 'self', 'critic', 'oracle', 'critic-all', 'preference'] as const;
export type Arm = (typeof ARMS)[number];

/** What the issue calls each arm, for the report. */
export const ARM_LABELS: Record<Arm, string> = {
  none: '(a) no training',
  self: "(b) self-training on the student's own captions",
  critic: '(c) critic-driven, backed rewrites only (the studio loop)',
  oracle: '(d) oracle: ground-truth captions',
  'critic-all': '(e) critic-driven, every rewrite accepted',
  preference:
    "(f) DPO on (the student's caption, its backed rewrite) pairs, the round's starting student as reference",
};

/** The arms whose pool captions go through the critic (and are refined with the calibrated verdicts but (e)). */
export const CRITIC_ARMS: readonly Arm[] = ['critic', 'critic-all', 'preference'];

/** One pool image in one round: the student's caption, the critic's refinement of it, a reference caption. */
export interface PoolItem {
  readonly imageId: string;
  readonly caption: string;
  readonly refinement: Refinement;
  /** The evidence the critic judged the caption on. */
  readonly evidence: Evidence;
  /** One of the scene's ground-truth captions (drawn with the run's seed). */
  readonly reference: string;
}

/**
 * A rewrite the studio's loop takes without a person having to doubt it: it scores higher than the student's
 * caption, every object it removes is contradicted by the evidence and every object it adds is confirmed, by
 * the per-category calibration (src/lib/critic/calibration.ts).
 */
export function isBacked(item: PoolItem, calibration: EvidenceCalibration, table: SynonymTable): boolean {
  const r = item.refinement;
  const best = r.versions[r.best]!;
  if (!(best.score > r.versions[0]!.score)) return false;
  const change = objectChange(namedCategories(item.caption, table), namedCategories(best.caption, table));
  return isBackedChange(change, item.evidence, calibration);
}

/** The critic item as the studio stores it once the critique is done (status 'done', no decision yet). */
function criticItem(item: PoolItem): CriticItem {
  return {
    imageId: item.imageId,
    caption: item.caption,
    captionModel: 'bench',
    status: 'done',
    decision: 'pending',
    ...summarize(item.refinement),
  };
}

/** The training candidates of an arm: the studio's decisions where the critic is involved. */
export function armCandidates(
  arm: Exclude<Arm, 'none'>,
  pool: readonly PoolItem[],
  critic: { readonly calibration: EvidenceCalibration; readonly table: SynonymTable },
): TrainingCandidate[] {
  return pool.map((item) => {
    if (arm === 'self') return { imageId: item.imageId, status: 'accepted', target: item.caption };
    if (arm === 'oracle') return { imageId: item.imageId, status: 'accepted', target: item.reference };
    const done = criticItem(item);
    const changed = done.refined !== undefined && done.refined !== item.caption;
    const accept = changed && (arm === 'critic-all' || isBacked(item, critic.calibration, critic.table));
    // (f) accepts what (c) accepts; the training set pairs each rewrite with the caption it replaced.
    return trainingCandidate(accept ? decide(done, 'accepted', undefined, 0) : done);
  });
}

/**
 * The arm's samples, stretched or cut to `length` by going round them in order, so that every arm takes the
 * same number of gradient steps from the same pool however many of its images it accepted.
 */
export function fixedLength(samples: readonly TrainingCaption[], length: number): TrainingCaption[] {
  if (samples.length === 0) return [];
  return Array.from({ length }, (_, i) => samples[i % samples.length]!);
}

export interface ArmSet {
  readonly samples: TrainingCaption[];
  /** Distinct samples before stretching: rewrites taken, clean captions mixed in. */
  readonly refined: number;
  readonly clean: number;
  readonly skipped: number;
}

export function armTrainingSet(
  arm: Exclude<Arm, 'none'>,
  pool: readonly PoolItem[],
  critic: { readonly calibration: EvidenceCalibration; readonly table: SynonymTable },
  settings: TrainingSetSettings,
): ArmSet {
  const set = buildTrainingSet(armCandidates(arm, pool, critic), settings);
  // (f) trains on pairs only: each backed rewrite over the student's caption it replaced (no clean captions).
  const samples = arm === 'preference' ? set.samples.filter((x) => x.rejected !== undefined) : set.samples;
  return {
    samples: fixedLength(samples, pool.length),
    refined: set.refined,
    clean: set.clean,
    skipped: set.skipped,
  };
}

/** Precision and recall of a set of claims against the truth; null where nothing was claimed or there was none. */
export interface ClaimFigures {
  readonly claims: number;
  readonly precision: number | null;
  readonly recall: number | null;
}

export interface CriticFigures {
  /** Mentions the critic calls hallucinated, against the mentions the scene does not hold. */
  readonly hallucinationFlags: ClaimFigures;
  /** Objects the critic says were left out, against the scene's objects the caption does not name. */
  readonly omissionSuggestions: ClaimFigures;
}

const ratio = (k: number, n: number): number | null => (n === 0 ? null : k / n);

/**
 * The critic's own figures on a pool, from the critique of the student's caption (version 0): its hallucination
 * flags and omission suggestions against the ground truth (categories in the scene).
 */
export function criticFigures(
  pool: readonly PoolItem[],
  truth: (imageId: string) => ReadonlySet<string>,
  table: SynonymTable,
): CriticFigures {
  let flagged = 0;
  let flaggedRight = 0;
  let absentMentioned = 0;
  let suggested = 0;
  let suggestedRight = 0;
  let presentUnnamed = 0;
  for (const item of pool) {
    const present = new Set([...truth(item.imageId)].map((c) => canonicalCategory(c, table)));
    const critique = item.refinement.versions[0]!.critique;
    const mentioned = new Set(critique.mentions.map((m) => canonicalCategory(m.object, table)));
    const flags = new Set(critique.hallucinations.map((h) => canonicalCategory(h.object, table)));
    const omissions = new Set(critique.omissions.map((o) => canonicalCategory(o.object, table)));
    for (const m of mentioned) if (!present.has(m)) absentMentioned++;
    for (const f of flags) {
      flagged++;
      if (!present.has(f)) flaggedRight++;
    }
    for (const p of present) if (!mentioned.has(p)) presentUnnamed++;
    for (const o of omissions) {
      suggested++;
      if (present.has(o) && !mentioned.has(o)) suggestedRight++;
    }
  }
  return {
    hallucinationFlags: {
      claims: flagged,
      precision: ratio(flaggedRight, flagged),
      recall: ratio(flaggedRight, absentMentioned),
    },
    omissionSuggestions: {
      claims: suggested,
      precision: ratio(suggestedRight, suggested),
      recall: ratio(suggestedRight, presentUnnamed),
    },
  };
}
