import type { WeightingMode } from '../../lib/train/rounds/training-set';
import type { ScheduleKind, TrainableMode, TuningSettings } from '../../lib/train/settings';
import { TUNING_LIMITS } from '../../lib/train/settings';
import { NumberField } from '../fields/NumberField';
import { SelectField, type Choice } from '../fields/SelectField';
import { useStudio, useStudioState } from '../studio-context';

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
const WEIGHTINGS: readonly Choice<WeightingMode>[] = [
  { value: 'uniform', label: 'Uniform' },
  { value: 'target-score', label: "By the critic's score" },
  { value: 'improvement', label: 'By improvement' },
];

/** The run's settings (seed defaults: RAdam, lr 5e-5, 3 epochs, LoRA r8) and the rounds'. */
export function TrainingSettingsForm() {
  const studio = useStudio();
  const settings = useStudioState((s) => s.training.settings);
  const status = useStudioState((s) => s.training.status);
  const disabled =
    status === 'running' || status === 'pausing' || status === 'paused' || status === 'stopping';
  const { tuning, loop } = settings;
  const setTuning = studio.store.getState().setTuningSettings;
  const setLoop = studio.store.getState().setLoopSettings;
  const mode = tuning.trainable;
  const setMode = (kind: TrainableMode['kind']) =>
    setTuning({
      trainable:
        kind === 'lora'
          ? { kind, rank: 8, alpha: 16, roles: ['self-attn', 'cross-attn', 'mlp'] }
          : kind === 'last-blocks'
            ? { kind, blocks: 2 }
            : { kind },
    });
  // Every field here: compact, labelled by id (the id is its test id too), locked while a run is on.
  const field = (id: string) => ({ id, testId: id, compact: true, disabled });
  return (
    <details className="train-settings" data-testid="train-settings">
      <summary>Training settings</summary>
      <div className="settings-grid">
        <NumberField
          {...field('train-epochs')}
          label="Epochs"
          value={tuning.epochs}
          {...TUNING_LIMITS.epochs}
          onChange={(epochs) => setTuning({ epochs })}
        />
        <NumberField
          {...field('train-lr')}
          label="Learning rate"
          value={tuning.lr}
          step={1e-5}
          min={1e-7}
          max={1}
          onChange={(lr) => setTuning({ lr })}
        />
        <SelectField
          {...field('train-optimizer')}
          label="Optimizer"
          value={tuning.optimizer}
          choices={OPTIMIZERS}
          onChange={(optimizer) => setTuning({ optimizer })}
        />
        <NumberField
          {...field('train-batch')}
          label="Batch size"
          value={tuning.batchSize}
          {...TUNING_LIMITS.batchSize}
          onChange={(batchSize) => setTuning({ batchSize })}
        />
        <NumberField
          {...field('train-accumulation')}
          label="Gradient accumulation"
          value={tuning.accumulation}
          {...TUNING_LIMITS.accumulation}
          onChange={(accumulation) => setTuning({ accumulation })}
        />
        <SelectField
          {...field('train-mode')}
          label="What trains"
          value={mode.kind}
          choices={MODES}
          onChange={setMode}
        />
        {mode.kind === 'lora' && (
          <NumberField
            {...field('train-lora-rank')}
            label="LoRA rank"
            value={mode.rank}
            {...TUNING_LIMITS.rank}
            onChange={(rank) => setTuning({ trainable: { ...mode, rank, alpha: 2 * rank } })}
          />
        )}
        {mode.kind === 'last-blocks' && (
          <NumberField
            {...field('train-blocks')}
            label="Blocks"
            value={mode.blocks}
            {...TUNING_LIMITS.blocks}
            onChange={(blocks) => setTuning({ trainable: { kind: 'last-blocks', blocks } })}
          />
        )}
        <SelectField
          {...field('train-schedule')}
          label="Learning-rate schedule"
          value={tuning.schedule}
          choices={SCHEDULES}
          onChange={(schedule) => setTuning({ schedule })}
        />
        <NumberField
          {...field('train-checkpoint-every')}
          label="Checkpoint every N steps"
          value={tuning.checkpointEvery}
          {...TUNING_LIMITS.checkpointEvery}
          onChange={(checkpointEvery) => setTuning({ checkpointEvery })}
        />
        <NumberField
          {...field('train-max-tokens')}
          label="Longest caption (tokens)"
          value={tuning.maxTokens}
          {...TUNING_LIMITS.maxTokens}
          onChange={(maxTokens) => setTuning({ maxTokens: Math.round(maxTokens) })}
        />
        <NumberField
          {...field('train-rounds')}
          label="Rounds"
          value={loop.rounds}
          min={1}
          max={20}
          onChange={(rounds) => setLoop({ rounds: Math.max(1, Math.round(rounds)) })}
        />
        <NumberField
          {...field('train-threshold')}
          label="Complex above (objects)"
          value={loop.complexityThreshold}
          min={0}
          max={50}
          onChange={(complexityThreshold) => setLoop({ complexityThreshold })}
        />
        <SelectField
          {...field('train-weighting')}
          label="Sample weights"
          value={loop.weighting}
          choices={WEIGHTINGS}
          onChange={(weighting) => setLoop({ weighting })}
        />
        <NumberField
          {...field('train-clean-ratio')}
          label="Clean images per accepted"
          value={loop.cleanRatio}
          step={0.05}
          min={0}
          max={4}
          onChange={(cleanRatio) => setLoop({ cleanRatio })}
        />
      </div>
    </details>
  );
}
