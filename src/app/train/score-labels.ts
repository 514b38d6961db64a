/**
 * The scores beside a caption (before/after view) and beside a round-end checkpoint, each named by its metric:
 * CLIPScore and PickScore are different models on different scales and never share a name.
 */
import { METRIC_LABELS } from '../../lib/score/metric-labels';
import type { MetricName, ScoreSummary } from '../../lib/score/round-metrics';
import type { CaptionScores } from '../../lib/score/caption-scores';
import { formatValue } from './chart-math';

const CAPTION_METRICS: readonly (readonly [keyof CaptionScores, MetricName])[] = [
  ['critic', 'criticScore'],
  ['chairI', 'chairI'],
  ['clip', 'clipScore'],
  ['pick', 'pickScore'],
];

/** E.g. "critic 0.8 · CLIPScore 0.71 · PickScore 21.3"; empty when there is nothing to show. */
export function captionScoreText(scores: CaptionScores | undefined): string {
  if (!scores) return '';
  return CAPTION_METRICS.flatMap(([key, metric]) => {
    const v = scores[key];
    return v === undefined ? [] : [`${METRIC_LABELS[metric].short} ${formatValue(v)}`];
  }).join(' · ');
}

const ROUND_METRICS: readonly MetricName[] = ['criticScore', 'chairI', 'recall', 'clipScore', 'pickScore'];

/** A round summary's headline values (all images), in the same words. */
export function roundScoreText(summary: ScoreSummary | undefined): string {
  if (!summary) return '';
  return ROUND_METRICS.flatMap((metric) => {
    const v = summary[metric]?.all;
    return v == null ? [] : [`${METRIC_LABELS[metric].short} ${formatValue(v)}`];
  }).join(' · ');
}
