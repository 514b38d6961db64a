import { FieldList } from '../fields/FieldList';
import { useStudio, useStudioState } from '../studio-context';
import { CalibrationSource } from './CalibrationSource';
import { ENGINE_FIELD, REFINEMENT_FIELDS, TEACHER_FIELDS, type CriticForm } from './critic-settings-fields';

/** The host an endpoint URL names (the URL itself while it is not a valid one yet). */
function endpointHost(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/** Said before anything is sent: with an endpoint as the engine, what each image sends, and where. */
function RemoteWarning({ baseUrl }: { baseUrl: string }) {
  return (
    <p className="remote-warning" role="note" data-testid="critic-remote-warning">
      Images leave this device with this engine: each image&apos;s caption and everything the teacher found in
      it (objects, boxes, descriptions) is sent to {endpointHost(baseUrl)}.
    </p>
  );
}

/** The critic engine (template, in-tab model, endpoint with the person's key) and the teacher's settings. */
export function CriticSettingsPanel() {
  const studio = useStudio();
  const settings = useStudioState((s) => s.critic.settings);
  const apiKey = useStudioState((s) => s.critic.apiKey);
  const form: CriticForm = { settings, apiKey, actions: studio.store.getState() };
  return (
    <section className="panel critic-settings" aria-label="Critic settings">
      <h2>Critic engine</h2>
      <FieldList fields={[ENGINE_FIELD]} form={form} />
      {settings.engine === 'openai' && <RemoteWarning baseUrl={settings.openai.baseUrl} />}
      <FieldList fields={REFINEMENT_FIELDS} form={form} />
      <CalibrationSource />

      <h2>Teacher</h2>
      <FieldList fields={TEACHER_FIELDS} form={form} />
    </section>
  );
}
