import { describe, expect, it } from 'vitest';
import { PREFERENCE_METRICS } from '../../../src/lib/score/preference-scorers';
import { METRIC_LABELS, SUMMARY_METRIC } from '../../../src/lib/score/metric-labels';
import { METRIC_NAMES } from '../../../src/lib/score/round-metrics';

describe('metric labels', () => {
  it('names CLIPScore and PickScore apart, each higher-is-better', () => {
    expect(METRIC_LABELS.clipScore).toEqual({ title: 'CLIPScore', short: 'CLIPScore', better: 'higher' });
    expect(METRIC_LABELS.pickScore).toEqual({ title: 'PickScore', short: 'PickScore', better: 'higher' });
  });

  it('labels every summary metric, no two alike', () => {
    expect(Object.keys(METRIC_LABELS).sort()).toEqual([...METRIC_NAMES].sort());
    const titles = METRIC_NAMES.map((m) => METRIC_LABELS[m].title);
    expect(new Set(titles).size).toBe(METRIC_NAMES.length);
    expect(METRIC_LABELS.hallucinationRate.better).toBe('lower');
  });

  it('sends each preference scorer to its own summary series', () => {
    expect(PREFERENCE_METRICS.map((m) => SUMMARY_METRIC[m])).toEqual(['clipScore', 'pickScore']);
  });
});
