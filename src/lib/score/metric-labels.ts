/**
 * How each round metric is named where it is shown (chart titles, checkpoint rows, before/after scores), and
 * which way is better. CLIPScore and PickScore keep their own names: different models, different scales.
 */
import type { ImageTextMetric } from './clip-models';
import { METRIC_TITLES } from './preference-scorers';
import type { MetricName } from './round-metrics';

export interface MetricLabel {
  /** Chart title. */
  readonly title: string;
  /** The short name beside a value ("critic 0.82 · CLIPScore 0.71"). */
  readonly short: string;
  readonly better: 'higher' | 'lower';
}

export const METRIC_LABELS: Readonly<Record<MetricName, MetricLabel>> = Object.freeze({
  criticScore: { title: 'Critic score', short: 'critic', better: 'higher' },
  hallucinationRate: { title: 'Hallucination rate', short: 'hallucination', better: 'lower' },
  chairI: { title: 'CHAIR-i', short: 'CHAIR-i', better: 'lower' },
  chairS: { title: 'CHAIR-s', short: 'CHAIR-s', better: 'lower' },
  recall: { title: 'Object recall', short: 'recall', better: 'higher' },
  clipScore: { title: METRIC_TITLES.clipscore, short: METRIC_TITLES.clipscore, better: 'higher' },
  pickScore: { title: METRIC_TITLES.pickscore, short: METRIC_TITLES.pickscore, better: 'higher' },
});

/** The round summary's metric that each preference scorer fills. */
export const SUMMARY_METRIC: Readonly<Record<ImageTextMetric, MetricName>> = Object.freeze({
  clipscore: 'clipScore',
  pickscore: 'pickScore',
});
