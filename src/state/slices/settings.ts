import type { DevicePreference } from '../../lib/core/devices';
import type { GenerationSettings } from '../../lib/caption/types';
import type { SliceCreator } from '../studio-state';

/**
 * The ViT-GPT2 of the Hugging Face hub, trained on real COCO photos: from the hub, or from public/models/ after
 * `npm run models:fetch`. The default student until the trained scenes student is committed.
 */
export const HUB_MODEL_ID = 'Xenova/vit-gpt2-image-captioning';
/**
 * The student this project trained on composed scenes of real COCO cut-outs (public/models/capgrad/
 * vit-gpt2-scenes/README.md): real sentences offline, but it knows only that world (a few COCO categories on
 * plain backgrounds). `npm run bench -- student` measures it.
 */
export const SCENES_STUDENT_ID = 'capgrad/vit-gpt2-scenes';

/**
 * The trained student is the default (it is on disk: offline it writes sentences) and the student the "model
 * not here" panel offers; saved settings that still hold the old hub default move over to it (persist/schema.ts,
 * version 2).
 */
export const DEFAULT_MODEL_ID = SCENES_STUDENT_ID;
export const LOCAL_STUDENT_ID = SCENES_STUDENT_ID;

/** What the settings say of the trained student, plainly. */
export const SCENES_STUDENT_NOTE =
  'Trained in this project, from scratch, on composed scenes: cut-outs of a few COCO object kinds pasted on ' +
  'real backgrounds. It knows only that world, and imperfectly: on its own test scenes it names about 8 in 10 ' +
  'of the objects, and about a third of the objects it names are not there (its model card has the figures). On your own ' +
  'photos it names those few objects or says nothing useful; for real photos choose the hub ViT-GPT2.';

/** A student the settings offer by name, with what choosing it gives. */
export interface KnownStudent {
  readonly modelId: string;
  readonly label: string;
  readonly note: string;
}

export const KNOWN_STUDENTS: readonly KnownStudent[] = [
  { modelId: SCENES_STUDENT_ID, label: 'Scenes student (offline)', note: SCENES_STUDENT_NOTE },
  {
    modelId: HUB_MODEL_ID,
    label: 'ViT-GPT2 from the hub (real photos)',
    note:
      'Trained on real COCO photos. Downloaded from the Hugging Face hub, or read from public/models/ after ' +
      '`npm run models:fetch`: without either (offline) it cannot load.',
  },
];

/** Which student to load: a transformers.js model id, or a folder the user picked (files kept in IndexedDB). */
export type ModelChoice =
  { kind: 'id'; modelId: string } | { kind: 'folder'; name: string; fileCount: number };

/** The generation settings the user controls (minNewTokens is the benchmark's, not the user's). */
export type UserGenerationSettings = Pick<
  GenerationSettings,
  'strategy' | 'numBeams' | 'maxNewTokens' | 'batchSize'
>;

export interface StudioSettings {
  model: ModelChoice;
  device: DevicePreference;
  generation: UserGenerationSettings;
}

/** The ranges the settings panel allows; `sanitizeGeneration` clamps into them. */
export const GENERATION_LIMITS = {
  numBeams: { min: 2, max: 8 },
  maxNewTokens: { min: 1, max: 128 },
  batchSize: { min: 1, max: 32 },
} as const;

export const DEFAULT_SETTINGS: StudioSettings = {
  model: { kind: 'id', modelId: DEFAULT_MODEL_ID },
  device: 'auto',
  generation: { strategy: 'greedy', numBeams: 3, maxNewTokens: 20, batchSize: 4 },
};

export interface SettingsSlice {
  settings: StudioSettings;
  setModel: (model: ModelChoice) => void;
  setDevice: (device: DevicePreference) => void;
  setGeneration: (patch: Partial<UserGenerationSettings>) => void;
}

function clampInt(value: number, { min, max }: { min: number; max: number }, fallback: number): number {
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** Whatever a form or an old saved state holds, the result is within GENERATION_LIMITS. */
export function sanitizeGeneration(value: Partial<UserGenerationSettings>): UserGenerationSettings {
  const d = DEFAULT_SETTINGS.generation;
  return {
    strategy: value.strategy === 'beam' ? 'beam' : 'greedy',
    numBeams: clampInt(value.numBeams ?? d.numBeams, GENERATION_LIMITS.numBeams, d.numBeams),
    maxNewTokens: clampInt(
      value.maxNewTokens ?? d.maxNewTokens,
      GENERATION_LIMITS.maxNewTokens,
      d.maxNewTokens,
    ),
    batchSize: clampInt(value.batchSize ?? d.batchSize, GENERATION_LIMITS.batchSize, d.batchSize),
  };
}

/** A model id as typed: trimmed; empty means the default. */
export function normalizeModelChoice(model: ModelChoice): ModelChoice {
  if (model.kind === 'folder') return model;
  const modelId = model.modelId.trim();
  return { kind: 'id', modelId: modelId === '' ? DEFAULT_MODEL_ID : modelId };
}

export function modelLabel(model: ModelChoice): string {
  return model.kind === 'id' ? model.modelId : `folder "${model.name}"`;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set) => ({
  settings: DEFAULT_SETTINGS,
  setModel: (model) => set((s) => ({ settings: { ...s.settings, model: normalizeModelChoice(model) } })),
  setDevice: (device) => set((s) => ({ settings: { ...s.settings, device } })),
  setGeneration: (patch) =>
    set((s) => ({
      settings: { ...s.settings, generation: sanitizeGeneration({ ...s.settings.generation, ...patch }) },
    })),
});
