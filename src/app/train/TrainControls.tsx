import { useShallow } from 'zustand/react/shallow';
import { RunButtons } from '../fields/RunButtons';
import { useStudioState } from '../studio-context';
import { candidateCounts } from './candidate-counts';
import { useTraining } from './training-context';
import { isTrainingBusy, trainingRunButtons } from './training-status';

const STAGE_WORDS = {
  caption: 'captioning',
  refine: 'refining',
  train: 'training',
  recaption: 're-captioning',
  rescore: 're-scoring',
} as const;

/** The Train button, Pause / Resume / Stop, where the rounds stand, and what the guardrails said. */
export function TrainControls() {
  const { controller } = useTraining();
  const t = useStudioState(
    useShallow((s) => ({
      status: s.training.status,
      position: s.training.position,
      phase: s.training.phase,
      rounds: s.training.settings.loop.rounds,
      notices: s.training.notices,
      error: s.training.error,
      lastStart: s.training.lastStart,
    })),
  );
  const { accepted, unbacked } = useStudioState(
    useShallow((s) => candidateCounts(Object.values(s.critic.items))),
  );
  const { status, position } = t;
  const busy = isTrainingBusy(status);
  const canContinue = (status === 'stopped' || status === 'failed') && position !== null;
  const where = position ? `round ${position.round + 1} · ${STAGE_WORDS[position.stage]}` : '';
  return (
    <div className="train-controls">
      <div className="buttons">
        <button
          type="button"
          className="primary"
          data-testid="train-button"
          disabled={busy || accepted === 0}
          onClick={() => controller.train()}
          title={
            accepted === 0
              ? 'Accept or edit refined captions first'
              : `Train on ${accepted} accepted captions`
          }
        >
          Train{t.rounds > 1 ? ` ${t.rounds} rounds` : ''}
        </button>
        <RunButtons
          state={trainingRunButtons(status)}
          testIds={{
            pause: 'train-pause-button',
            resume: 'train-resume-button',
            cancel: 'train-stop-button',
          }}
          onPause={() => controller.pause()}
          onResume={() => controller.resume()}
          onCancel={() => controller.stop()}
          cancelLabel="Stop"
        />
        {canContinue && (
          <button type="button" data-testid="train-continue-button" onClick={() => controller.continue()}>
            Continue
          </button>
        )}
      </div>
      <p
        className="train-status"
        data-testid="train-status"
        data-status={status}
        data-stage={position?.stage ?? ''}
      >
        <strong>{status}</strong>
        {where && ` · ${where}`}
        {t.phase && status === 'running' ? ` · ${t.phase}` : ''} · {accepted} accepted caption
        {accepted === 1 ? '' : 's'}
      </p>
      {unbacked > 0 && (
        <p className="muted" data-testid="train-unbacked">
          {unbacked} accepted rewrite{unbacked === 1 ? '' : 's'} left out: not backed by the evidence (the
          Critic panel says why; an edit of yours counts).
        </p>
      )}
      {t.lastStart?.continues && status === 'running' && (
        <p className="muted" data-testid="train-resumed" data-step={t.lastStart.fromStep ?? ''}>
          Resumed from the checkpoint at step {t.lastStart.fromStep}.
        </p>
      )}
      {t.notices.map((n, i) => (
        <p key={i} className={`notice notice-${n.level}`} data-testid="train-notice">
          {n.message}
        </p>
      ))}
      {t.error && (
        <p className="run-error" role="alert" data-testid="train-error" data-error-name={t.error.name}>
          {t.error.name}: {t.error.message}
        </p>
      )}
    </div>
  );
}
