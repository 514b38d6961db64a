/**
 * The two image–text preference scorers the studio offers, each an optional download the person chooses:
 * CLIPScore (a CLIP model) and PickScore (PickScore_v1, a CLIP-H). Which metric a model computes is the slot the
 * person loads it into, never guessed from its id: a model of the table (clip-models.ts) must be loaded into
 * its own metric's slot, a model outside it (a converted folder, a tiny test model) gets the slot's formula and
 * an honest "size unknown". The plan says what will be downloaded before anything is.
 */
import {
  CLIP_MODELS,
  DEFAULT_CLIP_MODEL,
  describeDownload,
  downloadBytes,
  type ClipDtype,
  type ClipModelSpec,
  type ImageTextMetric,
  type ScoreFormula,
} from './clip-models';

export const PREFERENCE_METRICS: readonly ImageTextMetric[] = Object.freeze(['clipscore', 'pickscore']);

/** How charts, tables and buttons name each metric. */
export const METRIC_TITLES: Readonly<Record<ImageTextMetric, string>> = Object.freeze({
  clipscore: 'CLIPScore',
  pickscore: 'PickScore',
});

export const DEFAULT_SCORER_MODELS: Readonly<Record<ImageTextMetric, string>> = Object.freeze({
  clipscore: DEFAULT_CLIP_MODEL,
  pickscore: 'yuvalkirstain/PickScore_v1',
});

/** The formula of each metric, taken from its default model's table entry (one source of the constants). */
export function metricFormula(metric: ImageTextMetric): ScoreFormula {
  return (CLIP_MODELS as Record<string, ClipModelSpec>)[DEFAULT_SCORER_MODELS[metric]]!.formula;
}

/** The model id is empty, or a model of the table was put into another metric's slot. */
export class ScorerModelError extends Error {
  override readonly name = 'ScorerModelError';
}

export interface ScorerPlan {
  readonly metric: ImageTextMetric;
  readonly modelId: string;
  readonly formula: ScoreFormula;
  /** The table's entry; null for a model outside the table. */
  readonly spec: ClipModelSpec | null;
  /** Bytes to download, null when unknown (a model outside the table). */
  readonly bytes: number | null;
  /** The sentence shown before the download. */
  readonly download: string;
}

/** What loading `modelId` for `metric` means: its formula and its download, or a thrown ScorerModelError. */
export function planScorer(metric: ImageTextMetric, modelId: string, dtype: ClipDtype = 'fp32'): ScorerPlan {
  const id = modelId.trim();
  const title = METRIC_TITLES[metric];
  if (id === '') throw new ScorerModelError(`Give a model id for ${title}.`);
  const spec = (CLIP_MODELS as Record<string, ClipModelSpec>)[id] ?? null;
  if (spec === null) {
    return {
      metric,
      modelId: id,
      formula: metricFormula(metric),
      spec: null,
      bytes: null,
      download: `Download size unknown: ${id} is not in the studio's table of scoring models.`,
    };
  }
  if (spec.formula.metric !== metric) {
    throw new ScorerModelError(
      `${id} computes ${METRIC_TITLES[spec.formula.metric]}, not ${title}; load it as ` +
        `${METRIC_TITLES[spec.formula.metric]}.`,
    );
  }
  return {
    metric,
    modelId: id,
    formula: spec.formula,
    spec,
    bytes: downloadBytes(spec, dtype),
    download: `Download: ${describeDownload(spec, dtype)}.`,
  };
}

/** The formula in words, e.g. "2.5 · max(cos, 0), text “A photo depicts …”" or "100 · cos". */
export function describeFormula(formula: ScoreFormula): string {
  const text = formula.textPrefix === '' ? '' : `, text “${formula.textPrefix}…”`;
  return formula.metric === 'clipscore'
    ? `${formula.weight} · max(cos, 0)${text}`
    : `${formula.logitScale} · cos${text}`;
}
