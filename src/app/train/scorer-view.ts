/**
 * What one preference scorer's row shows (CLIPScore or PickScore), as a pure function of the typed model id and
 * the scorer's state: the download size before anything is fetched (or that it is unknown), the formula, why
 * the id cannot be loaded here, the button's words and the status line.
 */
import type { ImageTextMetric } from '../../lib/score/clip-models';
import { formatBytes } from '../../lib/score/clip-models';
import { METRIC_TITLES, describeFormula, planScorer } from '../../lib/score/preference-scorers';
import type { ClipState } from '../../state/slices/train';

/** Test-id prefix of each row: `clip-model`, `clip-load`, `clip-status` (the old CLIP row's), `pickscore-…`. */
export const SCORER_TEST_IDS: Readonly<Record<ImageTextMetric, string>> = Object.freeze({
  clipscore: 'clip',
  pickscore: 'pickscore',
});

export interface ScorerRowView {
  readonly title: string;
  /** "Download: about 608 MB (…)." or "Download size unknown: …"; the reason the id does not fit otherwise. */
  readonly download: string;
  readonly sizeKnown: boolean;
  /** The table's note on the model (what it needs, its scale), when it is in the table. */
  readonly note: string | null;
  /** The formula in words; null when the id cannot be loaded here. */
  readonly formula: string | null;
  readonly canLoad: boolean;
  readonly button: string;
  readonly status: string;
}

export function scorerRowView(metric: ImageTextMetric, modelId: string, state: ClipState): ScorerRowView {
  const title = METRIC_TITLES[metric];
  const loading = state.status === 'loading';
  const status =
    state.status === 'ready'
      ? `${state.modelId} loaded: ${title} is scored from now on`
      : state.status === 'error'
        ? `${state.error?.name ?? 'Error'}: ${state.error?.message ?? 'the model did not load'}`
        : loading
          ? `Loading ${state.modelId}…`
          : '';
  let plan;
  try {
    plan = planScorer(metric, modelId);
  } catch (error) {
    return {
      title,
      download: error instanceof Error ? error.message : String(error),
      sizeKnown: false,
      note: null,
      formula: null,
      canLoad: false,
      button: `Load ${title} model`,
      status,
    };
  }
  const size = plan.bytes === null ? 'size unknown' : `about ${formatBytes(plan.bytes)}`;
  return {
    title,
    download: plan.download,
    sizeKnown: plan.bytes !== null,
    note: plan.spec?.note ?? null,
    formula: describeFormula(plan.formula),
    canLoad: !loading,
    button: loading ? 'Loading…' : `Load ${title} model (${size})`,
    status,
  };
}
