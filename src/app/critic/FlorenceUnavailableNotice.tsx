import { useStudioState } from '../studio-context';
import './critic.css';

/**
 * Said once, in the critic panel, when the teacher runs without the Florence-2 it was asked for (not on disk,
 * the hub out of reach, files missing): what is missing, what the critic does instead, and how to get it.
 * Per-image failures would say the same thing once per photo and stop the critique, so there are none.
 */
export function FlorenceUnavailableNotice() {
  const missing = useStudioState((s) => s.critic.teacher.info?.florenceUnavailable ?? null);
  if (missing === null) return null;
  return (
    <div
      className="teacher-notice"
      role="status"
      data-testid="florence-unavailable"
      data-model-id={missing.modelId}
    >
      <p className="teacher-notice-title">
        Florence-2 is not available: the evidence comes from the detector alone.
      </p>
      <p data-testid="florence-unavailable-reason">{missing.message}</p>
      <p>
        To use Florence-2, run <code>npm run models:fetch</code> on a machine with internet (it saves the
        model under <code>public/models/</code>), or enter the id of a Florence-2 folder you have under{' '}
        <code>public/models/</code> in the critic settings. To stop this notice, switch Florence-2 off there.
      </p>
    </div>
  );
}
