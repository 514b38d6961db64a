import { describe, expect, it } from 'vitest';
import { DEFAULT_CRITIC_SETTINGS, type CriticSettings } from '../../../src/state/slices/critic';
import { shownFields, type FieldSpec } from '../../../src/app/fields/field-spec';
import {
  ENGINE_FIELD,
  REFINEMENT_FIELDS,
  TEACHER_FIELDS,
  type CriticForm,
} from '../../../src/app/critic/critic-settings-fields';

function recordingForm(settings: Partial<CriticSettings> = {}) {
  const calls: [string, unknown][] = [];
  const form: CriticForm = {
    settings: { ...DEFAULT_CRITIC_SETTINGS, ...settings },
    apiKey: 'sk-test',
    actions: {
      criticSetSettings: (p) => calls.push(['settings', p]),
      criticSetTeacherSettings: (p) => calls.push(['teacher', p]),
      criticSetApiKey: (k) => calls.push(['key', k]),
    },
  };
  return { form, calls };
}

const ids = (fields: readonly FieldSpec<CriticForm>[], form: CriticForm) =>
  shownFields(fields, form).map((f) => f.testId);

describe("the critic's settings fields", () => {
  it("show the endpoint's fields only for the endpoint, the model id only for the in-tab model", () => {
    const always = ['critic-max-steps', 'critic-ensemble', 'critic-calibrated'];
    expect(ids(REFINEMENT_FIELDS, recordingForm().form)).toEqual(always);
    expect(ids(REFINEMENT_FIELDS, recordingForm({ engine: 'transformers' }).form)).toEqual([
      'critic-text-model',
      ...always,
    ]);
    expect(ids(REFINEMENT_FIELDS, recordingForm({ engine: 'openai' }).form)).toEqual([
      'critic-openai-url',
      'critic-openai-model',
      'critic-openai-key',
      'critic-save-key',
      ...always,
    ]);
  });

  it('change one endpoint setting and keep the others; the key goes to its own action', () => {
    const { form, calls } = recordingForm({ engine: 'openai' });
    const [url, , key, save] = REFINEMENT_FIELDS;
    if (url?.kind !== 'text' || key?.kind !== 'text' || save?.kind !== 'checkbox') throw new Error('layout');
    url.set('http://localhost:8080/v1', form);
    save.set(true, form);
    key.set('sk-new', form);
    const openai = DEFAULT_CRITIC_SETTINGS.openai;
    expect(calls).toEqual([
      ['settings', { openai: { ...openai, baseUrl: 'http://localhost:8080/v1' } }],
      ['settings', { openai: { ...openai, saveKey: true } }],
      ['key', 'sk-new'],
    ]);
    expect(key.get(form)).toBe('sk-test');
  });

  it('take an engine only from its choices', () => {
    const { form, calls } = recordingForm();
    if (ENGINE_FIELD.kind !== 'select') throw new Error('the engine is a select');
    ENGINE_FIELD.set('openai', form);
    ENGINE_FIELD.set('gpt', form);
    expect(calls).toEqual([['settings', { engine: 'openai' }]]);
  });

  it('show every teacher setting, the zoom levels as lists of grid sizes 1 to 8', () => {
    const { form } = recordingForm();
    expect(ids(TEACHER_FIELDS, form)).toEqual([
      'teacher-use-florence',
      'teacher-model-id',
      'teacher-device',
      'teacher-grids',
      'teacher-overlap',
      'teacher-dense-zooms',
      'teacher-max-tokens',
      'teacher-beams',
    ]);
    const lists = TEACHER_FIELDS.filter((f) => f.kind === 'number-list');
    expect(lists.map((f) => [f.testId, f.min, f.max])).toEqual([
      ['teacher-grids', 1, 8],
      ['teacher-dense-zooms', 1, 8],
    ]);
  });
});
