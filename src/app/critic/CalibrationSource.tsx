import { useState } from 'react';
import { COMMITTED_CALIBRATION } from '../../lib/critic/evidence-calibration';
import { useStudioState } from '../studio-context';
import { useCritic } from './use-critic';

/**
 * Which calibration the verdicts use, and a way to measure one on the person's own images with ground truth:
 * the committed table was measured on COCO photos, and a detector's blind spots depend on the images.
 */
export function CalibrationSource() {
  const critic = useCritic();
  const table = useStudioState((s) => s.critic.settings.calibrationTable);
  const [error, setError] = useState<string | null>(null);
  const measure = () => {
    setError(null);
    critic.measureCalibration().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  return (
    <div className="calibration-source" data-testid="calibration-source">
      <p className="muted">
        Calibration: {table === null ? `built in (${COMMITTED_CALIBRATION.measuredOn})` : table.measuredOn}.
      </p>
      <button type="button" data-testid="calibration-measure" onClick={measure}>
        Measure on my images with ground truth
      </button>
      {table !== null && (
        <button type="button" data-testid="calibration-forget" onClick={() => critic.forgetCalibration()}>
          Use the built-in table
        </button>
      )}
      {error !== null && (
        <p className="field-error" role="alert" data-testid="calibration-error">
          {error}
        </p>
      )}
    </div>
  );
}
