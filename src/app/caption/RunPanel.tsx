import { useShallow } from 'zustand/react/shallow';
import { statusCounts } from '../../state/slices/ingest';
import { queueRunButtons } from '../fields/run-buttons';
import { RunButtons } from '../fields/RunButtons';
import { formatPercent } from '../format';
import { useStudio, useStudioState } from '../studio-context';

/** Overall progress and the run's controls: Pause / Resume / Cancel, and caption again. */
export function RunPanel() {
  const studio = useStudio();
  const run = useStudioState((s) => s.run);
  const studentError = useStudioState((s) => s.student.error);
  // A run stopped by a model that failed to load: the model's own message (settings, or the panel above the
  // photos) already says it; saying it here again would show the same error twice.
  const runError =
    run.error !== null &&
    (studentError === null ||
      studentError.name !== run.error.name ||
      studentError.message !== run.error.message)
      ? run.error
      : null;
  const counts = useStudioState(useShallow(statusCounts));
  const active = run.state !== 'idle';
  const waiting = counts.queued + counts.captioning;
  const again = counts.cancelled + counts.captioned + counts.failed;
  return (
    <section className="panel run-panel" aria-label="Captioning">
      <h2>Captioning</h2>
      <div className="run-line">
        <progress
          data-testid="overall-progress"
          data-completed={run.completed}
          data-total={run.total}
          max={1}
          value={active ? run.fraction : waiting === 0 && run.total > 0 ? 1 : run.fraction}
        />
        <span data-testid="run-state" data-state={run.state}>
          {run.state === 'idle'
            ? run.paused
              ? 'paused'
              : 'idle'
            : `${run.state} · ${run.completed}/${run.total} · ${formatPercent(run.fraction)}`}
        </span>
      </div>
      <p className="counts" data-testid="status-counts">
        {counts.captioned} captioned · {waiting} waiting · {counts.failed} failed
        {counts.cancelled > 0 ? ` · ${counts.cancelled} cancelled` : ''}
        {counts.ingesting > 0 ? ` · ${counts.ingesting} reading` : ''}
      </p>
      <div className="buttons">
        <RunButtons
          state={queueRunButtons({ active, paused: run.paused, waiting })}
          testIds={{ pause: 'pause-button', resume: 'resume-button', cancel: 'cancel-button' }}
          onPause={() => studio.pause()}
          onResume={() => studio.resume()}
          onCancel={() => studio.cancel()}
        />
        <button
          type="button"
          data-testid="caption-again-button"
          onClick={() => studio.captionAgain()}
          disabled={active || again === 0}
          title="Caption every image again with the current model and settings"
        >
          Caption all again
        </button>
      </div>
      {runError !== null && (
        <p className="run-error" role="alert" data-testid="run-error" data-error-name={runError.name}>
          {runError.message}
        </p>
      )}
    </section>
  );
}
