import { useState } from 'react';
import type { ImageTextMetric } from '../../lib/score/clip-models';
import { DEFAULT_SCORER_MODELS, PREFERENCE_METRICS } from '../../lib/score/preference-scorers';
import { useStudioState } from '../studio-context';
import { SCORER_TEST_IDS, scorerRowView } from './scorer-view';
import { useTraining } from './training-context';

/**
 * CLIPScore and PickScore, each an optional download the person starts: the row says what it will download
 * (or that the size is unknown) before the button is pressed, and which formula the scores use.
 */
export function PreferenceScorers() {
  return (
    <fieldset className="scorers" data-testid="preference-scorers">
      <legend>Preference scores (optional downloads, run in this tab)</legend>
      {PREFERENCE_METRICS.map((metric) => (
        <ScorerRow key={metric} metric={metric} />
      ))}
    </fieldset>
  );
}

function ScorerRow({ metric }: { metric: ImageTextMetric }) {
  const training = useTraining();
  const state = useStudioState((s) => (metric === 'clipscore' ? s.training.clip : s.training.pickScore));
  const [modelId, setModelId] = useState(DEFAULT_SCORER_MODELS[metric]);
  const view = scorerRowView(metric, modelId, state);
  const id = SCORER_TEST_IDS[metric];
  return (
    <div className="clip-row" data-testid={`${id}-row`}>
      <strong>{view.title}</strong>
      <input
        aria-label={`${view.title} model id`}
        data-testid={`${id}-model`}
        value={modelId}
        onChange={(e) => setModelId(e.target.value)}
        disabled={state.status === 'loading'}
      />
      <button
        type="button"
        className="small"
        data-testid={`${id}-load`}
        disabled={!view.canLoad}
        onClick={() => void training.loadScorer(metric, modelId.trim())}
      >
        {view.button}
      </button>
      <span className="muted" data-testid={`${id}-status`} data-status={state.status}>
        {view.status}
      </span>
      <span
        className="muted scorer-download"
        data-testid={`${id}-size`}
        data-known={view.sizeKnown}
        role={view.formula === null ? 'alert' : undefined}
      >
        {view.download}
        {view.formula !== null && ` Score: ${view.formula}.`}
        {view.note !== null && ` ${view.note}`}
      </span>
    </div>
  );
}
