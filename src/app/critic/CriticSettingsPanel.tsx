import { useState } from 'react';
import type { EngineChoice } from '../../state/slices/critic';
import { OVERLAP_LIMITS } from '../../state/slices/teacher-settings';
import { CheckboxField } from '../fields/CheckboxField';
import { DEVICE_CHOICES } from '../fields/device-choices';
import { Field } from '../fields/Field';
import { NumberField } from '../fields/NumberField';
import { SelectField, type Choice } from '../fields/SelectField';
import { TextField } from '../fields/TextField';
import { COMMITTED_CALIBRATION } from '../../lib/critic/evidence-calibration';
import { useStudio, useStudioState } from '../studio-context';
import { useCritic } from './use-critic';

/**
 * Which calibration the verdicts use, and a way to measure one on the person's own images with ground truth:
 * the committed table was measured on COCO photos, and a detector's blind spots depend on the images.
 */
function CalibrationSource() {
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

const ENGINES: readonly Choice<EngineChoice>[] = [
  { value: 'template', label: 'Template (built in, nothing leaves the device)' },
  { value: 'transformers', label: 'Language model in this tab (download)' },
  { value: 'openai', label: 'OpenAI-compatible endpoint' },
];

/** "1, 2, 3" → [1, 2, 3]; null when it is not a list of grid sizes 1–8. */
function parseGrids(text: string): number[] | null {
  const values = text
    .split(/[\s,]+/)
    .filter((t) => t !== '')
    .map(Number);
  return values.length > 0 && values.every((v) => Number.isInteger(v) && v >= 1 && v <= 8)
    ? [...new Set(values)]
    : null;
}

function GridField(props: {
  label: string;
  testId: string;
  value: number[];
  onChange: (v: number[]) => void;
}) {
  const saved = props.value.join(', ');
  const [text, setText] = useState(saved);
  const [shown, setShown] = useState(saved);
  // The saved value can change without typing (restored after a reload): show it unless the text says the same.
  if (saved !== shown) {
    setShown(saved);
    if (parseGrids(text)?.join(', ') !== saved) setText(saved);
  }
  const valid = parseGrids(text) !== null;
  return (
    <Field label={props.label}>
      <input
        type="text"
        data-testid={props.testId}
        value={text}
        aria-invalid={!valid}
        onChange={(event) => {
          const next = event.currentTarget.value;
          setText(next);
          const grids = parseGrids(next);
          if (grids !== null) props.onChange(grids);
        }}
      />
    </Field>
  );
}

/** The critic engine (template, in-tab model, endpoint with the person's key) and the teacher's settings. */
export function CriticSettingsPanel() {
  const studio = useStudio();
  const settings = useStudioState((s) => s.critic.settings);
  const apiKey = useStudioState((s) => s.critic.apiKey);
  const a = studio.store.getState();
  const t = settings.teacher;
  const host = (() => {
    try {
      return new URL(settings.openai.baseUrl).host;
    } catch {
      return settings.openai.baseUrl;
    }
  })();
  return (
    <section className="panel critic-settings" aria-label="Critic settings">
      <h2>Critic engine</h2>
      <SelectField
        label="Engine"
        testId="critic-engine"
        value={settings.engine}
        choices={ENGINES}
        onChange={(engine) => a.criticSetSettings({ engine })}
      />
      {settings.engine === 'openai' && (
        <>
          <p className="remote-warning" role="note" data-testid="critic-remote-warning">
            Images leave this device with this engine: each image&apos;s caption and everything the teacher
            found in it (objects, boxes, descriptions) is sent to {host}.
          </p>
          <TextField
            label="Endpoint (base URL)"
            testId="critic-openai-url"
            value={settings.openai.baseUrl}
            onChange={(baseUrl) => a.criticSetSettings({ openai: { ...settings.openai, baseUrl } })}
          />
          <TextField
            label="Model"
            testId="critic-openai-model"
            value={settings.openai.model}
            onChange={(model) => a.criticSetSettings({ openai: { ...settings.openai, model } })}
          />
          <TextField
            label="API key"
            testId="critic-openai-key"
            value={apiKey}
            secret
            onChange={(key) => a.criticSetApiKey(key)}
          />
          <CheckboxField
            label="Save key on this device (otherwise it is forgotten when the tab closes)"
            testId="critic-save-key"
            checked={settings.openai.saveKey}
            onChange={(saveKey) => a.criticSetSettings({ openai: { ...settings.openai, saveKey } })}
          />
        </>
      )}
      {settings.engine === 'transformers' && (
        <TextField
          label="Text-generation model id"
          testId="critic-text-model"
          value={settings.transformersModelId}
          onChange={(transformersModelId) => a.criticSetSettings({ transformersModelId })}
        />
      )}
      <NumberField
        label="Rewrite steps"
        testId="critic-max-steps"
        value={settings.maxSteps}
        min={1}
        max={10}
        wholeWithinLimits
        onChange={(maxSteps) => a.criticSetSettings({ maxSteps })}
      />
      <CheckboxField
        label="Ensemble: score with two prompts, average the loss"
        testId="critic-ensemble"
        checked={settings.ensemble}
        onChange={(ensemble) => a.criticSetSettings({ ensemble })}
      />
      <CheckboxField
        label="Calibrated verdicts: flag a missing object only where the detector rarely misses it, add one only where its boxes are usually right"
        testId="critic-calibrated"
        checked={settings.calibrated}
        onChange={(calibrated) => a.criticSetSettings({ calibrated })}
      />
      <CalibrationSource />

      <h2>Teacher</h2>
      <CheckboxField
        label="Florence-2 (off: the detector alone)"
        testId="teacher-use-florence"
        checked={t.useFlorence}
        onChange={(useFlorence) => a.criticSetTeacherSettings({ useFlorence })}
      />
      <TextField
        label="Florence-2 model id"
        testId="teacher-model-id"
        value={t.florenceModelId}
        onChange={(florenceModelId) => a.criticSetTeacherSettings({ florenceModelId })}
      />
      <SelectField
        label="Device"
        testId="teacher-device"
        value={t.device}
        choices={DEVICE_CHOICES}
        onChange={(device) => a.criticSetTeacherSettings({ device })}
      />
      <GridField
        label="Zoom levels (grid sizes)"
        testId="teacher-grids"
        value={t.grids}
        onChange={(grids) => a.criticSetTeacherSettings({ grids })}
      />
      <NumberField
        label="Overlap between neighbouring windows (fraction of a window)"
        testId="teacher-overlap"
        value={t.overlap}
        {...OVERLAP_LIMITS}
        withinLimits
        onChange={(overlap) => a.criticSetTeacherSettings({ overlap })}
      />
      <GridField
        label="Region descriptions at zoom levels"
        testId="teacher-dense-zooms"
        value={t.denseZooms}
        onChange={(denseZooms) => a.criticSetTeacherSettings({ denseZooms })}
      />
      <NumberField
        label="Florence-2 max new tokens"
        testId="teacher-max-tokens"
        value={t.maxNewTokens}
        min={1}
        max={1024}
        wholeWithinLimits
        onChange={(maxNewTokens) => a.criticSetTeacherSettings({ maxNewTokens })}
      />
      <NumberField
        label="Florence-2 beams"
        testId="teacher-beams"
        value={t.numBeams}
        min={1}
        max={8}
        wholeWithinLimits
        onChange={(numBeams) => a.criticSetTeacherSettings({ numBeams })}
      />
    </section>
  );
}
