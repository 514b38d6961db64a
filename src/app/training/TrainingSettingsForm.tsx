import type { ScheduleKind, TrainableMode } from '../../lib/tuning/settings';
import { TUNING_LIMITS } from '../../lib/tuning/settings';
import { useStudio, useStudioState } from '../studio-context';

function NumberField(props: {
  label: string;
  id: string;
  value: number;
  step?: number;
  min?: number;
  max?: number;
  disabled: boolean;
  onChange: (value: number) => void;
}) {
  return (
    <label className="field compact" htmlFor={props.id}>
      <span>{props.label}</span>
      <input
        id={props.id}
        data-testid={props.id}
        type="number"
        value={props.value}
        step={props.step ?? 1}
        min={props.min}
        max={props.max}
        disabled={props.disabled}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(v)) props.onChange(v);
        }}
      />
    </label>
  );
}

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
  return (
    <details className="train-settings" data-testid="train-settings">
      <summary>Training settings</summary>
      <div className="settings-grid">
        <NumberField
          id="train-epochs"
          label="Epochs"
          value={tuning.epochs}
          {...TUNING_LIMITS.epochs}
          disabled={disabled}
          onChange={(epochs) => setTuning({ epochs })}
        />
        <NumberField
          id="train-lr"
          label="Learning rate"
          value={tuning.lr}
          step={1e-5}
          min={1e-7}
          max={1}
          disabled={disabled}
          onChange={(lr) => setTuning({ lr })}
        />
        <label className="field compact" htmlFor="train-optimizer">
          <span>Optimizer</span>
          <select
            id="train-optimizer"
            data-testid="train-optimizer"
            value={tuning.optimizer}
            disabled={disabled}
            onChange={(e) => setTuning({ optimizer: e.target.value as 'radam' | 'adamw' })}
          >
            <option value="radam">RAdam</option>
            <option value="adamw">AdamW</option>
          </select>
        </label>
        <NumberField
          id="train-batch"
          label="Batch size"
          value={tuning.batchSize}
          {...TUNING_LIMITS.batchSize}
          disabled={disabled}
          onChange={(batchSize) => setTuning({ batchSize })}
        />
        <NumberField
          id="train-accumulation"
          label="Gradient accumulation"
          value={tuning.accumulation}
          {...TUNING_LIMITS.accumulation}
          disabled={disabled}
          onChange={(accumulation) => setTuning({ accumulation })}
        />
        <label className="field compact" htmlFor="train-mode">
          <span>What trains</span>
          <select
            id="train-mode"
            data-testid="train-mode"
            value={mode.kind}
            disabled={disabled}
            onChange={(e) => setMode(e.target.value as TrainableMode['kind'])}
          >
            <option value="lora">LoRA adapters</option>
            <option value="last-blocks">Last k blocks</option>
            <option value="full">Whole decoder</option>
          </select>
        </label>
        {mode.kind === 'lora' && (
          <NumberField
            id="train-lora-rank"
            label="LoRA rank"
            value={mode.rank}
            {...TUNING_LIMITS.rank}
            disabled={disabled}
            onChange={(rank) => setTuning({ trainable: { ...mode, rank, alpha: 2 * rank } })}
          />
        )}
        {mode.kind === 'last-blocks' && (
          <NumberField
            id="train-blocks"
            label="Blocks"
            value={mode.blocks}
            {...TUNING_LIMITS.blocks}
            disabled={disabled}
            onChange={(blocks) => setTuning({ trainable: { kind: 'last-blocks', blocks } })}
          />
        )}
        <label className="field compact" htmlFor="train-schedule">
          <span>Learning-rate schedule</span>
          <select
            id="train-schedule"
            data-testid="train-schedule"
            value={tuning.schedule}
            disabled={disabled}
            onChange={(e) => setTuning({ schedule: e.target.value as ScheduleKind })}
          >
            <option value="constant">Constant</option>
            <option value="linear">Linear decay</option>
            <option value="cosine">Cosine decay</option>
          </select>
        </label>
        <NumberField
          id="train-checkpoint-every"
          label="Checkpoint every N steps"
          value={tuning.checkpointEvery}
          {...TUNING_LIMITS.checkpointEvery}
          disabled={disabled}
          onChange={(checkpointEvery) => setTuning({ checkpointEvery })}
        />
        <NumberField
          id="train-rounds"
          label="Rounds"
          value={loop.rounds}
          min={1}
          max={20}
          disabled={disabled}
          onChange={(rounds) => setLoop({ rounds: Math.max(1, Math.round(rounds)) })}
        />
        <NumberField
          id="train-threshold"
          label="Complex above (objects)"
          value={loop.complexityThreshold}
          min={0}
          max={50}
          disabled={disabled}
          onChange={(complexityThreshold) => setLoop({ complexityThreshold })}
        />
        <label className="field compact" htmlFor="train-weighting">
          <span>Sample weights</span>
          <select
            id="train-weighting"
            data-testid="train-weighting"
            value={loop.weighting}
            disabled={disabled}
            onChange={(e) => setLoop({ weighting: e.target.value as typeof loop.weighting })}
          >
            <option value="uniform">Uniform</option>
            <option value="target-score">By the critic's score</option>
            <option value="improvement">By improvement</option>
          </select>
        </label>
        <NumberField
          id="train-clean-ratio"
          label="Clean images per accepted"
          value={loop.cleanRatio}
          step={0.05}
          min={0}
          max={4}
          disabled={disabled}
          onChange={(cleanRatio) => setLoop({ cleanRatio })}
        />
      </div>
    </details>
  );
}
