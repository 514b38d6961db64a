import type { CriticSettings, EngineChoice } from '../../state/slices/critic';
import { OVERLAP_LIMITS } from '../../state/slices/teacher-settings';
import type { StudioState } from '../../state/studio-state';
import { DEVICE_CHOICES } from '../fields/device-choices';
import { selectField, type FieldSpec } from '../fields/field-spec';
import type { Choice } from '../fields/SelectField';

/** What the critic's settings form reads and changes. */
export interface CriticForm {
  settings: CriticSettings;
  /** Kept apart from the settings: it is saved only when the person asks (openai.saveKey). */
  apiKey: string;
  actions: Pick<StudioState, 'criticSetSettings' | 'criticSetTeacherSettings' | 'criticSetApiKey'>;
}

const ENGINES: readonly Choice<EngineChoice>[] = [
  { value: 'template', label: 'Template (built in, nothing leaves the device)' },
  { value: 'transformers', label: 'Language model in this tab (download)' },
  { value: 'openai', label: 'OpenAI-compatible endpoint' },
];

/** A zoom level is a grid of 1×1 to 8×8 windows. */
const GRID_SIZES = { min: 1, max: 8 } as const;

const usesEndpoint = (f: CriticForm) => f.settings.engine === 'openai';
const setOpenai = (f: CriticForm, patch: Partial<CriticSettings['openai']>) =>
  f.actions.criticSetSettings({ openai: { ...f.settings.openai, ...patch } });

/** Which engine rewrites the captions (the remote-warning note follows it when the engine is an endpoint). */
export const ENGINE_FIELD: FieldSpec<CriticForm> = selectField({
  label: 'Engine',
  testId: 'critic-engine',
  choices: ENGINES,
  get: (f: CriticForm) => f.settings.engine,
  set: (engine, f) => f.actions.criticSetSettings({ engine }),
});

/** The chosen engine's own settings, then the refinement's (the calibration source follows them). */
export const REFINEMENT_FIELDS: readonly FieldSpec<CriticForm>[] = [
  {
    kind: 'text',
    label: 'Endpoint (base URL)',
    testId: 'critic-openai-url',
    shown: usesEndpoint,
    get: (f) => f.settings.openai.baseUrl,
    set: (baseUrl, f) => setOpenai(f, { baseUrl }),
  },
  {
    kind: 'text',
    label: 'Model',
    testId: 'critic-openai-model',
    shown: usesEndpoint,
    get: (f) => f.settings.openai.model,
    set: (model, f) => setOpenai(f, { model }),
  },
  {
    kind: 'text',
    label: 'API key',
    testId: 'critic-openai-key',
    secret: true,
    shown: usesEndpoint,
    get: (f) => f.apiKey,
    set: (key, f) => f.actions.criticSetApiKey(key),
  },
  {
    kind: 'checkbox',
    label: 'Save key on this device (otherwise it is forgotten when the tab closes)',
    testId: 'critic-save-key',
    shown: usesEndpoint,
    get: (f) => f.settings.openai.saveKey,
    set: (saveKey, f) => setOpenai(f, { saveKey }),
  },
  {
    kind: 'text',
    label: 'Text-generation model id',
    testId: 'critic-text-model',
    shown: (f) => f.settings.engine === 'transformers',
    get: (f) => f.settings.transformersModelId,
    set: (transformersModelId, f) => f.actions.criticSetSettings({ transformersModelId }),
  },
  {
    kind: 'number',
    label: 'Rewrite steps',
    testId: 'critic-max-steps',
    min: 1,
    max: 10,
    wholeWithinLimits: true,
    get: (f) => f.settings.maxSteps,
    set: (maxSteps, f) => f.actions.criticSetSettings({ maxSteps }),
  },
  {
    kind: 'checkbox',
    label: 'Ensemble: score with two prompts, average the loss',
    testId: 'critic-ensemble',
    get: (f) => f.settings.ensemble,
    set: (ensemble, f) => f.actions.criticSetSettings({ ensemble }),
  },
  {
    kind: 'checkbox',
    label:
      'Calibrated verdicts: flag a missing object only where the detector rarely misses it, add one only where its boxes are usually right',
    testId: 'critic-calibrated',
    get: (f) => f.settings.calibrated,
    set: (calibrated, f) => f.actions.criticSetSettings({ calibrated }),
  },
];

/** The teacher: Florence-2 or the detector alone, where it runs, how it zooms and decodes. */
export const TEACHER_FIELDS: readonly FieldSpec<CriticForm>[] = [
  {
    kind: 'checkbox',
    label: 'Florence-2 (off: the detector alone)',
    testId: 'teacher-use-florence',
    get: (f) => f.settings.teacher.useFlorence,
    set: (useFlorence, f) => f.actions.criticSetTeacherSettings({ useFlorence }),
  },
  {
    kind: 'text',
    label: 'Florence-2 model id',
    testId: 'teacher-model-id',
    get: (f) => f.settings.teacher.florenceModelId,
    set: (florenceModelId, f) => f.actions.criticSetTeacherSettings({ florenceModelId }),
  },
  selectField({
    label: 'Device',
    testId: 'teacher-device',
    choices: DEVICE_CHOICES,
    get: (f: CriticForm) => f.settings.teacher.device,
    set: (device, f) => f.actions.criticSetTeacherSettings({ device }),
  }),
  {
    kind: 'number-list',
    label: 'Zoom levels (grid sizes)',
    testId: 'teacher-grids',
    ...GRID_SIZES,
    get: (f) => f.settings.teacher.grids,
    set: (grids, f) => f.actions.criticSetTeacherSettings({ grids }),
  },
  {
    kind: 'number',
    label: 'Overlap between neighbouring windows (fraction of a window)',
    testId: 'teacher-overlap',
    ...OVERLAP_LIMITS,
    withinLimits: true,
    get: (f) => f.settings.teacher.overlap,
    set: (overlap, f) => f.actions.criticSetTeacherSettings({ overlap }),
  },
  {
    kind: 'number-list',
    label: 'Region descriptions at zoom levels',
    testId: 'teacher-dense-zooms',
    ...GRID_SIZES,
    get: (f) => f.settings.teacher.denseZooms,
    set: (denseZooms, f) => f.actions.criticSetTeacherSettings({ denseZooms }),
  },
  {
    kind: 'number',
    label: 'Florence-2 max new tokens',
    testId: 'teacher-max-tokens',
    min: 1,
    max: 1024,
    wholeWithinLimits: true,
    get: (f) => f.settings.teacher.maxNewTokens,
    set: (maxNewTokens, f) => f.actions.criticSetTeacherSettings({ maxNewTokens }),
  },
  {
    kind: 'number',
    label: 'Florence-2 beams',
    testId: 'teacher-beams',
    min: 1,
    max: 8,
    wholeWithinLimits: true,
    get: (f) => f.settings.teacher.numBeams,
    set: (numBeams, f) => f.actions.criticSetTeacherSettings({ numBeams }),
  },
];
