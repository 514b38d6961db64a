import { useShallow } from 'zustand/react/shallow';
import { criticItemsInOrder } from '../../state/slices/critic';
import { queueRunButtons } from '../fields/run-buttons';
import { RunButtons } from '../fields/RunButtons';
import { formatPercent } from '../format';
import { useStudioState } from '../studio-context';
import { FlorenceUnavailableNotice } from './FlorenceUnavailableNotice';
import { useCritic } from './use-critic';

function TeacherBadge() {
  const teacher = useStudioState((s) => s.critic.teacher);
  const device = teacher.device;
  return (
    <div
      className={`teacher-badge teacher-${device?.device ?? 'unknown'}`}
      data-testid="teacher-badge"
      data-device={device?.device ?? ''}
      data-status={teacher.status}
    >
      <span className="device-name">
        Teacher: {device === null ? 'checking…' : device.device === 'webgpu' ? 'WebGPU' : 'WASM'}
      </span>
      <span className="device-reason" data-testid="teacher-reason">
        {device?.reason ?? ''}
      </span>
      <span className="model-status">
        {teacher.status === 'loading'
          ? 'loading Florence-2 and the detector…'
          : teacher.info
            ? `${teacher.info.florence ? `${teacher.info.florence.modelId} (${teacher.info.florence.revision.split('|')[1]})` : 'detector only'} · detector batch ${teacher.info.detector.batchSize}`
            : ''}
      </span>
      {teacher.error && (
        <span
          className="field-error"
          role="alert"
          data-testid="teacher-error"
          data-error-name={teacher.error.name}
        >
          {teacher.error.message}
        </span>
      )}
    </div>
  );
}

/** The critic's queue controls: start, pause / resume, cancel, and overall progress. */
export function CriticPanel() {
  const critic = useCritic();
  const run = useStudioState((s) => s.critic.run);
  const items = useStudioState(useShallow(criticItemsInOrder));
  const captioned = useStudioState(
    (s) => Object.values(s.cards).filter((c) => c.status === 'captioned').length,
  );
  const count = (f: (i: (typeof items)[number]) => boolean) => items.filter(f).length;
  const active = run.state !== 'idle';
  const waiting = count((i) => i.status === 'queued' || i.status === 'evidence' || i.status === 'refining');
  const fraction = run.total === 0 ? 0 : run.completed / run.total;
  return (
    <section className="panel critic-panel" aria-label="Critic queue">
      <h2>Critic</h2>
      <TeacherBadge />
      <FlorenceUnavailableNotice />
      <div className="run-line">
        <progress data-testid="critic-progress" max={1} value={run.total === 0 ? 0 : fraction} />
        <span
          data-testid="critic-run-state"
          data-state={run.state}
          data-completed={run.completed}
          data-total={run.total}
        >
          {run.state === 'idle'
            ? run.paused
              ? 'paused'
              : 'idle'
            : `${run.state} · ${run.completed}/${run.total} · ${formatPercent(fraction)}`}
        </span>
      </div>
      {run.current && active && (
        <p className="counts" data-testid="critic-current">
          {run.current.stage} {run.current.done}/{run.current.total}
        </p>
      )}
      <p className="counts" data-testid="critic-counts">
        {count((i) => i.status === 'done')} critiqued · {waiting} waiting ·{' '}
        {count((i) => i.status === 'failed')} failed ·{' '}
        {count((i) => i.decision === 'accepted' || i.decision === 'edited')} accepted
      </p>
      <div className="buttons">
        <button
          type="button"
          data-testid="critic-start"
          disabled={captioned === 0}
          onClick={() => critic.start()}
          title="Gather evidence and refine the caption of every captioned image not critiqued yet"
        >
          Refine captions
        </button>
        <RunButtons
          state={queueRunButtons({ active, paused: run.paused, waiting }, { pauseBeforeStart: true })}
          testIds={{ pause: 'critic-pause', resume: 'critic-resume', cancel: 'critic-cancel' }}
          onPause={() => critic.pause()}
          onResume={() => critic.resume()}
          onCancel={() => critic.cancel()}
          pauseTitle="Pause now, or before starting: queued images wait until Resume (also across reloads)"
        />
      </div>
      {run.error && (
        <p className="run-error" role="alert" data-testid="critic-run-error" data-error-name={run.error.name}>
          {run.error.message}
        </p>
      )}
    </section>
  );
}
