/**
 * The Train view's table of the ground-truth metrics (CHAIR-i, CHAIR-s, object recall) per round and per group,
 * for images that carry ground truth (imported COCO annotations, the sample scenes): the proving ground's
 * figures for the user's own images, before training and after each round.
 */
import type { MetricName } from '../../lib/score/round-metrics';
import type { RoundScores } from '../../state/slices/train';

export const GROUND_TRUTH_METRICS = ['chairI', 'chairS', 'recall'] as const satisfies readonly MetricName[];
export const GROUND_TRUTH_GROUPS = ['simple', 'complex', 'all'] as const;

export interface GroundTruthRow {
  /** "before training", "round 1", … */
  readonly label: string;
  /** Per metric, per group (GROUND_TRUTH_METRICS × GROUND_TRUTH_GROUPS, in that order); null where none. */
  readonly cells: readonly (number | null)[];
}

/** One row per round summary that has ground-truth figures; empty when none has (no annotations). */
export function groundTruthRows(scores: readonly RoundScores[]): GroundTruthRow[] {
  return scores
    .filter((s) => s.summary.chairI != null)
    .map((s) => ({
      label: s.round < 0 ? 'before training' : `round ${s.round + 1}`,
      cells: GROUND_TRUTH_METRICS.flatMap((m) => GROUND_TRUTH_GROUPS.map((g) => s.summary[m]?.[g] ?? null)),
    }));
}
