import {
  GENERATION_LIMITS,
  KNOWN_STUDENTS,
  type ModelChoice,
  type StudioSettings,
} from '../../state/slices/settings';
import type { StudioState } from '../../state/studio-state';
import { DEVICE_CHOICES } from '../fields/device-choices';
import { selectField, type FieldSpec } from '../fields/field-spec';
import type { Choice } from '../fields/SelectField';

/** What the student's settings form reads and changes. */
export interface StudentForm {
  settings: StudioSettings;
  actions: Pick<StudioState, 'setModel' | 'setDevice' | 'setGeneration'>;
}

/** Anything not in KNOWN_STUDENTS: an id typed below the select, or a folder. */
const OTHER = 'other';
const STUDENT_CHOICES: readonly Choice<string>[] = [
  ...KNOWN_STUDENTS.map((s) => ({ value: s.modelId, label: s.label })),
  { value: OTHER, label: 'Another model (id or folder below)' },
];

/** The known student a choice is, if any. */
export function knownStudent(model: ModelChoice) {
  return model.kind === 'id' ? KNOWN_STUDENTS.find((s) => s.modelId === model.modelId) : undefined;
}

/** A known student, or "another model" (picking that changes nothing: the id or folder below says which). */
export const STUDENT_FIELD: FieldSpec<StudentForm> = selectField({
  label: 'Student',
  testId: 'settings-model-choice',
  choices: STUDENT_CHOICES,
  get: (f: StudentForm) => knownStudent(f.settings.model)?.modelId ?? OTHER,
  set: (modelId, f) => {
    if (modelId !== OTHER) f.actions.setModel({ kind: 'id', modelId });
  },
});

export const DEVICE_FIELD: FieldSpec<StudentForm> = selectField({
  label: 'Device',
  testId: 'settings-device',
  choices: DEVICE_CHOICES,
  get: (f: StudentForm) => f.settings.device,
  set: (device, f) => f.actions.setDevice(device),
});

/** Decoding, after the greedy / beam choice: the beam count means something only for beam search. */
export const DECODING_FIELDS: readonly FieldSpec<StudentForm>[] = [
  {
    kind: 'number',
    label: 'Beams',
    testId: 'settings-beams',
    ...GENERATION_LIMITS.numBeams,
    disabled: (f) => f.settings.generation.strategy !== 'beam',
    get: (f) => f.settings.generation.numBeams,
    set: (numBeams, f) => f.actions.setGeneration({ numBeams }),
  },
  {
    kind: 'number',
    label: 'Max new tokens',
    testId: 'settings-max-tokens',
    ...GENERATION_LIMITS.maxNewTokens,
    get: (f) => f.settings.generation.maxNewTokens,
    set: (maxNewTokens, f) => f.actions.setGeneration({ maxNewTokens }),
  },
  {
    kind: 'number',
    label: 'Batch size',
    testId: 'settings-batch-size',
    ...GENERATION_LIMITS.batchSize,
    get: (f) => f.settings.generation.batchSize,
    set: (batchSize, f) => f.actions.setGeneration({ batchSize }),
  },
];
