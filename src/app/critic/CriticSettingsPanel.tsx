import { useState } from 'react';
import type { DevicePreference } from '../../lib/models/student/types';
import type { EngineChoice } from '../../state/critic/slice';
import { useStudio, useStudioState } from '../studio-context';

const ENGINES: { value: EngineChoice; label: string }[] = [
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
  const [text, setText] = useState(props.value.join(', '));
  const valid = parseGrids(text) !== null;
  return (
    <label className="field">
      <span>{props.label}</span>
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
    </label>
  );
}

function IntField(props: {
  label: string;
  testId: string;
  value: number;
  min: number;
  max: number;
  onChange: (v: number) => void;
}) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        type="number"
        data-testid={props.testId}
        min={props.min}
        max={props.max}
        value={props.value}
        onChange={(event) => {
          const v = event.currentTarget.valueAsNumber;
          if (Number.isInteger(v) && v >= props.min && v <= props.max) props.onChange(v);
        }}
      />
    </label>
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
      <label className="field">
        <span>Engine</span>
        <select
          data-testid="critic-engine"
          value={settings.engine}
          onChange={(e) => a.criticSetSettings({ engine: e.currentTarget.value as EngineChoice })}
        >
          {ENGINES.map((e) => (
            <option key={e.value} value={e.value}>
              {e.label}
            </option>
          ))}
        </select>
      </label>
      {settings.engine === 'openai' && (
        <>
          <p className="remote-warning" role="note" data-testid="critic-remote-warning">
            Images leave this device with this engine: each image&apos;s caption and everything the teacher
            found in it (objects, boxes, descriptions) is sent to {host}.
          </p>
          <label className="field">
            <span>Endpoint (base URL)</span>
            <input
              type="text"
              data-testid="critic-openai-url"
              value={settings.openai.baseUrl}
              spellCheck={false}
              onChange={(e) =>
                a.criticSetSettings({ openai: { ...settings.openai, baseUrl: e.currentTarget.value } })
              }
            />
          </label>
          <label className="field">
            <span>Model</span>
            <input
              type="text"
              data-testid="critic-openai-model"
              value={settings.openai.model}
              spellCheck={false}
              onChange={(e) =>
                a.criticSetSettings({ openai: { ...settings.openai, model: e.currentTarget.value } })
              }
            />
          </label>
          <label className="field">
            <span>API key</span>
            <input
              type="password"
              data-testid="critic-openai-key"
              value={apiKey}
              autoComplete="off"
              onChange={(e) => a.criticSetApiKey(e.currentTarget.value)}
            />
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid="critic-save-key"
              checked={settings.openai.saveKey}
              onChange={(e) =>
                a.criticSetSettings({ openai: { ...settings.openai, saveKey: e.currentTarget.checked } })
              }
            />
            Save key on this device (otherwise it is forgotten when the tab closes)
          </label>
        </>
      )}
      {settings.engine === 'transformers' && (
        <label className="field">
          <span>Text-generation model id</span>
          <input
            type="text"
            data-testid="critic-text-model"
            value={settings.transformersModelId}
            spellCheck={false}
            onChange={(e) => a.criticSetSettings({ transformersModelId: e.currentTarget.value })}
          />
        </label>
      )}
      <IntField
        label="Rewrite steps"
        testId="critic-max-steps"
        value={settings.maxSteps}
        min={1}
        max={10}
        onChange={(maxSteps) => a.criticSetSettings({ maxSteps })}
      />
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="critic-ensemble"
          checked={settings.ensemble}
          onChange={(e) => a.criticSetSettings({ ensemble: e.currentTarget.checked })}
        />
        Ensemble: score with two prompts, average the loss
      </label>

      <h2>Teacher</h2>
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="teacher-use-florence"
          checked={t.useFlorence}
          onChange={(e) => a.criticSetTeacherSettings({ useFlorence: e.currentTarget.checked })}
        />
        Florence-2 (off: the detector alone)
      </label>
      <label className="field">
        <span>Florence-2 model id</span>
        <input
          type="text"
          data-testid="teacher-model-id"
          value={t.florenceModelId}
          spellCheck={false}
          onChange={(e) => a.criticSetTeacherSettings({ florenceModelId: e.currentTarget.value })}
        />
      </label>
      <label className="field">
        <span>Device</span>
        <select
          data-testid="teacher-device"
          value={t.device}
          onChange={(e) => a.criticSetTeacherSettings({ device: e.currentTarget.value as DevicePreference })}
        >
          <option value="auto">Automatic (WebGPU when available)</option>
          <option value="webgpu">WebGPU</option>
          <option value="wasm">WASM (CPU)</option>
        </select>
      </label>
      <GridField
        label="Zoom levels (grid sizes)"
        testId="teacher-grids"
        value={t.grids}
        onChange={(grids) => a.criticSetTeacherSettings({ grids })}
      />
      <GridField
        label="Region descriptions at zoom levels"
        testId="teacher-dense-zooms"
        value={t.denseZooms}
        onChange={(denseZooms) => a.criticSetTeacherSettings({ denseZooms })}
      />
      <IntField
        label="Florence-2 max new tokens"
        testId="teacher-max-tokens"
        value={t.maxNewTokens}
        min={1}
        max={1024}
        onChange={(maxNewTokens) => a.criticSetTeacherSettings({ maxNewTokens })}
      />
      <IntField
        label="Florence-2 beams"
        testId="teacher-beams"
        value={t.numBeams}
        min={1}
        max={8}
        onChange={(numBeams) => a.criticSetTeacherSettings({ numBeams })}
      />
    </section>
  );
}
