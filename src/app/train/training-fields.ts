import type { WeightingMode } from '../../lib/train/rounds/training-set';
import type { ScheduleKind, TrainableMode, TuningSettings } from '../../lib/train/settings';
import { DEFAULT_PREFERENCE_OBJECTIVE } from '../../lib/train/settings';
import { TUNING_LIMITS } from '../../lib/train/settings';
import type { LoopSettings } from '../../state/slices/train';
import { selectField, type FieldSpec } from '../fields/field-spec';
import type { Choice } from '../fields/SelectField';

/** What the training settings form reads and changes. */
export interface TrainingForm {
  tuning: TuningSettings;
  loop: LoopSettings;
  setTuning: (patch: Partial<TuningSettings>) => void;
  setLoop: (patch: Partial<LoopSettings>) => void;
}

const OPTIMIZERS: readonly Choice<TuningSettings['optimizer']>[] = [
  { value: 'radam', label: 'RAdam' },
  { value: 'adamw', label: 'AdamW' },
];
const MODES: readonly Choice<TrainableMode['kind']>[] = [
  { value: 'lora', label: 'LoRA adapters' },
  { value: 'last-blocks', label: 'Last k blocks' },
  { value: 'full', label: 'Whole decoder' },
];
const SCHEDULES: readonly Choice<ScheduleKind>[] = [
  { value: 'constant', label: 'Constant' },
  { value: 'linear', label: 'Linear decay' },
  { value: 'cosine', label: 'Cosine decay' },
];
type ObjectiveKind = NonNullable<TuningSettings['objective']>['kind'];
const OBJECTIVES: readonly Choice<ObjectiveKind>[] = [
  { value: 'caption', label: 'Learn the accepted captions' },
  { value: 'preference', label: "Prefer each rewrite over the student's caption (DPO)" },
];
const WEIGHTINGS: readonly Choice<WeightingMode>[] = [
  { value: 'uniform', label: 'Uniform' },
  { value: 'target-score', label: "By the critic's score" },
  { value: 'improvement', label: 'By improvement' },
];

/** A newly picked trainable mode starts from its seed settings (LoRA r8 with alpha 16 on every role). */
export function freshTrainable(kind: TrainableMode['kind']): TrainableMode {
  if (kind === 'lora') return { kind, rank: 8, alpha: 16, roles: ['self-attn', 'cross-attn', 'mlp'] };
  if (kind === 'last-blocks') return { kind, blocks: 2 };
  return { kind };
}

type PreferenceOptions = Extract<NonNullable<TuningSettings['objective']>, { kind: 'preference' }>;

/** A number of the preference objective (β or α), shown only while that objective is chosen. */
function preferenceField(
  key: 'beta' | 'chosenWeight',
  label: string,
  testId: string,
  range: { step: number; min: number },
): FieldSpec<TrainingForm> {
  const preference = (f: TrainingForm): PreferenceOptions | undefined =>
    f.tuning.objective?.kind === 'preference' ? f.tuning.objective : undefined;
  return {
    kind: 'number',
    label,
    testId,
    ...range,
    max: 100,
    shown: (f) => preference(f) !== undefined,
    get: (f) => preference(f)?.[key] ?? 0,
    set: (value, f) => {
      const o = preference(f);
      if (o) f.setTuning({ objective: { ...o, [key]: value } });
    },
  };
}

/** The batch size, under the label the objective gives it (a preference batch counts pairs). */
function batchField(label: string, shown: (f: TrainingForm) => boolean): FieldSpec<TrainingForm> {
  return {
    kind: 'number',
    label,
    testId: 'train-batch',
    ...TUNING_LIMITS.batchSize,
    shown,
    get: (f) => f.tuning.batchSize,
    set: (batchSize, f) => f.setTuning({ batchSize }),
  };
}

/**
 * The run's settings (seed defaults: RAdam, lr 5e-5, 3 epochs, LoRA r8) and the rounds', in the order shown.
 * The TUNING_LIMITS bound the inputs; the tuning settings are validated again when a run starts.
 */
export const TRAINING_FIELDS: readonly FieldSpec<TrainingForm>[] = [
  selectField({
    label: 'Objective',
    testId: 'train-objective',
    choices: OBJECTIVES,
    get: (f: TrainingForm) => f.tuning.objective?.kind ?? 'caption',
    set: (kind, f) =>
      f.setTuning({ objective: kind === 'preference' ? DEFAULT_PREFERENCE_OBJECTIVE : { kind } }),
  }),
  preferenceField('beta', 'Preference temperature β', 'train-preference-beta', { step: 0.05, min: 0.01 }),
  preferenceField('chosenWeight', "Weight of the rewrites' own loss (α)", 'train-preference-alpha', {
    step: 0.1,
    min: 0,
  }),
  {
    kind: 'number',
    label: 'Epochs',
    testId: 'train-epochs',
    ...TUNING_LIMITS.epochs,
    get: (f) => f.tuning.epochs,
    set: (epochs, f) => f.setTuning({ epochs }),
  },
  {
    kind: 'number',
    label: 'Learning rate',
    testId: 'train-lr',
    step: 1e-5,
    min: 1e-7,
    max: 1,
    get: (f) => f.tuning.lr,
    set: (lr, f) => f.setTuning({ lr }),
  },
  selectField({
    label: 'Optimizer',
    testId: 'train-optimizer',
    choices: OPTIMIZERS,
    get: (f: TrainingForm) => f.tuning.optimizer,
    set: (optimizer, f) => f.setTuning({ optimizer }),
  }),
  batchField('Batch size', (f) => f.tuning.objective?.kind !== 'preference'),
  batchField('Batch size (pairs)', (f) => f.tuning.objective?.kind === 'preference'),
  {
    kind: 'number',
    label: 'Gradient accumulation',
    testId: 'train-accumulation',
    ...TUNING_LIMITS.accumulation,
    get: (f) => f.tuning.accumulation,
    set: (accumulation, f) => f.setTuning({ accumulation }),
  },
  selectField({
    label: 'What trains',
    testId: 'train-mode',
    choices: MODES,
    get: (f: TrainingForm) => f.tuning.trainable.kind,
    set: (kind, f) => f.setTuning({ trainable: freshTrainable(kind) }),
  }),
  {
    kind: 'number',
    label: 'LoRA rank',
    testId: 'train-lora-rank',
    ...TUNING_LIMITS.rank,
    shown: (f) => f.tuning.trainable.kind === 'lora',
    get: (f) => (f.tuning.trainable.kind === 'lora' ? f.tuning.trainable.rank : 0),
    // alpha follows the rank (alpha / rank = 2, the seed's scale).
    set: (rank, f) => {
      const mode = f.tuning.trainable;
      if (mode.kind === 'lora') f.setTuning({ trainable: { ...mode, rank, alpha: 2 * rank } });
    },
  },
  {
    kind: 'number',
    label: 'Blocks',
    testId: 'train-blocks',
    ...TUNING_LIMITS.blocks,
    shown: (f) => f.tuning.trainable.kind === 'last-blocks',
    get: (f) => (f.tuning.trainable.kind === 'last-blocks' ? f.tuning.trainable.blocks : 0),
    set: (blocks, f) => f.setTuning({ trainable: { kind: 'last-blocks', blocks } }),
  },
  selectField({
    label: 'Learning-rate schedule',
    testId: 'train-schedule',
    choices: SCHEDULES,
    get: (f: TrainingForm) => f.tuning.schedule,
    set: (schedule, f) => f.setTuning({ schedule }),
  }),
  {
    kind: 'number',
    label: 'Checkpoint every N steps',
    testId: 'train-checkpoint-every',
    ...TUNING_LIMITS.checkpointEvery,
    get: (f) => f.tuning.checkpointEvery,
    set: (checkpointEvery, f) => f.setTuning({ checkpointEvery }),
  },
  {
    kind: 'number',
    label: 'Longest caption (tokens)',
    testId: 'train-max-tokens',
    ...TUNING_LIMITS.maxTokens,
    get: (f) => f.tuning.maxTokens,
    set: (maxTokens, f) => f.setTuning({ maxTokens: Math.round(maxTokens) }),
  },
  {
    kind: 'number',
    label: 'Rounds',
    testId: 'train-rounds',
    min: 1,
    max: 20,
    get: (f) => f.loop.rounds,
    set: (rounds, f) => f.setLoop({ rounds: Math.max(1, Math.round(rounds)) }),
  },
  {
    kind: 'number',
    label: 'Complex above (objects)',
    testId: 'train-threshold',
    min: 0,
    max: 50,
    get: (f) => f.loop.complexityThreshold,
    set: (complexityThreshold, f) => f.setLoop({ complexityThreshold }),
  },
  selectField({
    label: 'Sample weights',
    testId: 'train-weighting',
    choices: WEIGHTINGS,
    get: (f: TrainingForm) => f.loop.weighting,
    set: (weighting, f) => f.setLoop({ weighting }),
  }),
  {
    kind: 'number',
    label: 'Clean images per accepted',
    testId: 'train-clean-ratio',
    step: 0.05,
    min: 0,
    max: 4,
    get: (f) => f.loop.cleanRatio,
    set: (cleanRatio, f) => f.setLoop({ cleanRatio }),
  },
];
