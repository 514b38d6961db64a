import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, KNOWN_STUDENTS, type StudioSettings } from '../../../src/state/slices/settings';
import { commonFieldProps } from '../../../src/app/fields/field-spec';
import {
  DECODING_FIELDS,
  DEVICE_FIELD,
  STUDENT_FIELD,
  type StudentForm,
} from '../../../src/app/caption/student-fields';

function recordingForm(settings: Partial<StudioSettings> = {}) {
  const calls: [string, unknown][] = [];
  const form: StudentForm = {
    settings: { ...DEFAULT_SETTINGS, ...settings },
    actions: {
      setModel: (m) => calls.push(['model', m]),
      setDevice: (d) => calls.push(['device', d]),
      setGeneration: (g) => calls.push(['generation', g]),
    },
  };
  return { form, calls };
}

const known = KNOWN_STUDENTS[0]!;

describe("the student's settings fields", () => {
  it('show a known student as itself, anything else (an id typed, a folder) as another model', () => {
    if (STUDENT_FIELD.kind !== 'select') throw new Error('the student is a select');
    const id = (modelId: string) => recordingForm({ model: { kind: 'id', modelId } }).form;
    expect(STUDENT_FIELD.get(id(known.modelId))).toBe(known.modelId);
    expect(STUDENT_FIELD.get(id('someone/else'))).toBe('other');
    expect(
      STUDENT_FIELD.get(recordingForm({ model: { kind: 'folder', name: 'm', fileCount: 3 } }).form),
    ).toBe('other');
  });

  it('use a known student when picked; picking another model, or a value not offered, changes nothing', () => {
    const { form, calls } = recordingForm();
    if (STUDENT_FIELD.kind !== 'select') throw new Error('the student is a select');
    STUDENT_FIELD.set(known.modelId, form);
    STUDENT_FIELD.set('other', form);
    STUDENT_FIELD.set('someone/else', form);
    expect(calls).toEqual([['model', { kind: 'id', modelId: known.modelId }]]);
  });

  it('take a device only from the device choices', () => {
    const { form, calls } = recordingForm();
    if (DEVICE_FIELD.kind !== 'select') throw new Error('the device is a select');
    DEVICE_FIELD.set('webgpu', form);
    DEVICE_FIELD.set('cuda', form);
    expect(calls).toEqual([['device', 'webgpu']]);
  });

  it('disable the beam count unless the search is beam search', () => {
    const beams = DECODING_FIELDS[0]!;
    const greedy = recordingForm({ generation: { ...DEFAULT_SETTINGS.generation, strategy: 'greedy' } }).form;
    const beam = recordingForm({ generation: { ...DEFAULT_SETTINGS.generation, strategy: 'beam' } }).form;
    expect(beams.testId).toBe('settings-beams');
    expect(commonFieldProps(beams, greedy).disabled).toBe(true);
    expect(commonFieldProps(beams, beam).disabled).toBeUndefined();
    expect(DECODING_FIELDS.map((f) => commonFieldProps(f, beam).disabled)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
