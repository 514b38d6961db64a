import { useEffect, useRef, useState } from 'react';
import { errorSummary } from '../../lib/core/errors';
import { saveModelFolder } from '../../state/persist/model-folders';
import {
  DEFAULT_MODEL_ID,
  GENERATION_LIMITS,
  KNOWN_STUDENTS,
  modelLabel,
  type ModelChoice,
} from '../../state/slices/settings';
import { DEVICE_CHOICES } from '../fields/device-choices';
import { NumberField } from '../fields/NumberField';
import { SelectField } from '../fields/SelectField';
import { TextField } from '../fields/TextField';
import { STUDENT_UNAVAILABLE } from './StudentUnavailable';
import { useStudio, useStudioState } from '../studio-context';

/** Reads a picked model folder into path → bytes, paths relative to the folder itself. */
async function readFolder(files: FileList): Promise<{ name: string; files: Record<string, Uint8Array> }> {
  const out: Record<string, Uint8Array> = {};
  let name = 'model';
  for (const file of Array.from(files)) {
    const [root, ...rest] = file.webkitRelativePath.split('/');
    name = root ?? name;
    if (rest.length === 0 || rest.some((part) => part.startsWith('.'))) continue;
    out[rest.join('/')] = new Uint8Array(await file.arrayBuffer());
  }
  return { name, files: out };
}

/** The model id being typed; starts again from the saved one whenever that changes (keyed by it). */
function ModelIdForm({ savedId, onUse }: { savedId: string; onUse: (modelId: string) => void }) {
  const [modelId, setModelId] = useState(savedId);
  return (
    <form
      className="model-form"
      onSubmit={(event) => {
        event.preventDefault();
        onUse(modelId);
      }}
    >
      <TextField
        label="Model id"
        testId="settings-model-id"
        value={modelId}
        placeholder={DEFAULT_MODEL_ID}
        onChange={setModelId}
      />
      <button type="submit" data-testid="settings-model-apply">
        Use
      </button>
    </form>
  );
}

/** Anything not in KNOWN_STUDENTS: an id typed below, or a folder. */
const OTHER = 'other';
const STUDENT_CHOICES = [
  ...KNOWN_STUDENTS.map((s) => ({ value: s.modelId, label: s.label })),
  { value: OTHER, label: 'Another model (id or folder below)' },
];

/** The known student a choice is, if any. */
function knownStudent(model: ModelChoice) {
  return model.kind === 'id' ? KNOWN_STUDENTS.find((s) => s.modelId === model.modelId) : undefined;
}

/** The student's settings: model (id or local folder), device, decoding. Saved as they change. */
export function SettingsPanel() {
  const studio = useStudio();
  const settings = useStudioState((s) => s.settings);
  const modelError = useStudioState((s) => s.student.error);
  const actions = studio.store.getState();
  const [folderError, setFolderError] = useState<string | null>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const { generation } = settings;
  const savedId = settings.model.kind === 'id' ? settings.model.modelId : '';
  const known = knownStudent(settings.model);

  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  return (
    <section className="panel settings-panel" aria-label="Settings">
      <h2>Student model</h2>
      <SelectField
        label="Student"
        testId="settings-model-choice"
        value={known?.modelId ?? OTHER}
        choices={STUDENT_CHOICES}
        onChange={(modelId) => {
          if (modelId !== OTHER) actions.setModel({ kind: 'id', modelId });
        }}
      />
      {known !== undefined && (
        <p className="muted" data-testid="settings-model-note">
          {known.note}
        </p>
      )}
      <ModelIdForm
        key={savedId}
        savedId={savedId}
        onUse={(modelId) => actions.setModel({ kind: 'id', modelId })}
      />
      <label className="button-like small">
        Use a local model folder…
        <input
          ref={folderInput}
          type="file"
          multiple
          data-testid="settings-folder-input"
          onChange={(event) => {
            const files = event.currentTarget.files;
            if (files === null || files.length === 0) return;
            setFolderError(null);
            void readFolder(files)
              .then(async ({ name, files: bytes }) => {
                await saveModelFolder(name, bytes);
                actions.setModel({ kind: 'folder', name, fileCount: Object.keys(bytes).length });
              })
              .catch((error: unknown) => setFolderError(errorSummary(error).message));
          }}
        />
      </label>
      <p className="current-model" data-testid="settings-current-model">
        Using {modelLabel(settings.model)}
      </p>
      {folderError !== null && <p className="field-error">{folderError}</p>}
      {/* A model that is not here at all gets the panel above the photos instead (StudentUnavailable). */}
      {modelError !== null && modelError.name !== STUDENT_UNAVAILABLE && (
        <p className="field-error" role="alert" data-testid="model-error" data-error-name={modelError.name}>
          {modelError.message}
        </p>
      )}

      <SelectField
        label="Device"
        testId="settings-device"
        value={settings.device}
        choices={DEVICE_CHOICES}
        onChange={(device) => actions.setDevice(device)}
      />

      <h2>Decoding</h2>
      <fieldset className="field radio-row">
        <legend>Search</legend>
        <label>
          <input
            type="radio"
            name="strategy"
            data-testid="settings-greedy"
            checked={generation.strategy === 'greedy'}
            onChange={() => actions.setGeneration({ strategy: 'greedy' })}
          />
          Greedy
        </label>
        <label>
          <input
            type="radio"
            name="strategy"
            data-testid="settings-beam"
            checked={generation.strategy === 'beam'}
            onChange={() => actions.setGeneration({ strategy: 'beam' })}
          />
          Beam search
        </label>
      </fieldset>
      <NumberField
        label="Beams"
        testId="settings-beams"
        value={generation.numBeams}
        {...GENERATION_LIMITS.numBeams}
        disabled={generation.strategy !== 'beam'}
        onChange={(numBeams) => actions.setGeneration({ numBeams })}
      />
      <NumberField
        label="Max new tokens"
        testId="settings-max-tokens"
        value={generation.maxNewTokens}
        {...GENERATION_LIMITS.maxNewTokens}
        onChange={(maxNewTokens) => actions.setGeneration({ maxNewTokens })}
      />
      <NumberField
        label="Batch size"
        testId="settings-batch-size"
        value={generation.batchSize}
        {...GENERATION_LIMITS.batchSize}
        onChange={(batchSize) => actions.setGeneration({ batchSize })}
      />
    </section>
  );
}
