import { useState } from 'react';
import { DEFAULT_MODEL_ID, modelLabel } from '../../state/slices/settings';
import { FieldList } from '../fields/FieldList';
import { TextField } from '../fields/TextField';
import { useStudio, useStudioState } from '../studio-context';
import { ModelFolderInput } from './ModelFolderInput';
import { STUDENT_UNAVAILABLE } from './StudentUnavailable';
import {
  DECODING_FIELDS,
  DEVICE_FIELD,
  STUDENT_FIELD,
  knownStudent,
  type StudentForm,
} from './student-fields';

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

/** Greedy or beam search, as two radio buttons. */
function SearchChoice({ form }: { form: StudentForm }) {
  const { strategy } = form.settings.generation;
  return (
    <fieldset className="field radio-row">
      <legend>Search</legend>
      <label>
        <input
          type="radio"
          name="strategy"
          data-testid="settings-greedy"
          checked={strategy === 'greedy'}
          onChange={() => form.actions.setGeneration({ strategy: 'greedy' })}
        />
        Greedy
      </label>
      <label>
        <input
          type="radio"
          name="strategy"
          data-testid="settings-beam"
          checked={strategy === 'beam'}
          onChange={() => form.actions.setGeneration({ strategy: 'beam' })}
        />
        Beam search
      </label>
    </fieldset>
  );
}

/** The student's settings: model (id or local folder), device, decoding. Saved as they change. */
export function SettingsPanel() {
  const studio = useStudio();
  const settings = useStudioState((s) => s.settings);
  const modelError = useStudioState((s) => s.student.error);
  const actions = studio.store.getState();
  const form: StudentForm = { settings, actions };
  const [folderError, setFolderError] = useState<string | null>(null);
  const savedId = settings.model.kind === 'id' ? settings.model.modelId : '';
  const known = knownStudent(settings.model);

  return (
    <section className="panel settings-panel" aria-label="Settings">
      <h2>Student model</h2>
      <FieldList fields={[STUDENT_FIELD]} form={form} />
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
      <ModelFolderInput
        onUse={(model) => actions.setModel(model)}
        onPicked={() => setFolderError(null)}
        onError={setFolderError}
      />
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

      <FieldList fields={[DEVICE_FIELD]} form={form} />

      <h2>Decoding</h2>
      <SearchChoice form={form} />
      <FieldList fields={DECODING_FIELDS} form={form} />
    </section>
  );
}
