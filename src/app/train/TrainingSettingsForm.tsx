import { FieldList } from '../fields/FieldList';
import { useStudio, useStudioState } from '../studio-context';
import { TRAINING_FIELDS, type TrainingForm } from './training-fields';
import { isTrainingBusy } from './training-status';

/** The run's settings and the rounds' (training-fields.ts), locked while a run is on. */
export function TrainingSettingsForm() {
  const studio = useStudio();
  const settings = useStudioState((s) => s.training.settings);
  const locked = useStudioState((s) => isTrainingBusy(s.training.status));
  const actions = studio.store.getState();
  const form: TrainingForm = {
    tuning: settings.tuning,
    loop: settings.loop,
    setTuning: actions.setTuningSettings,
    setLoop: actions.setLoopSettings,
  };
  // Every field here: compact, labelled by id (the id is its test id too).
  return (
    <details className="train-settings" data-testid="train-settings">
      <summary>Training settings</summary>
      <div className="settings-grid">
        <FieldList fields={TRAINING_FIELDS} form={form} compact idFromTestId locked={locked} />
      </div>
    </details>
  );
}
