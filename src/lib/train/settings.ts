/**
 * The settings of one training run, as JSON-able data (they cross the worker boundary and go into every
 * checkpoint), with the seed's defaults: RAdam, lr 5e-5, 3 epochs (docs/architecture.md decision 2: LoRA by
 * default). `validateTuningSettings` checks every field and names the valid range; the resolvers turn the
 * settings into the training engine's own specs (src/lib/train/graph).
 */
import type { OptimizerConfig } from './graph/optimizer-config';
import { DEFAULT_OPTIMIZER } from './graph/optimizer-config';
import type { LrSchedule } from './graph/schedule';
import { CAPTION_OBJECTIVE, type TrainingObjective } from './graph/artifacts';
import { DEFAULT_PREFERENCE_BETA } from './graph/preference-loss';
import type { LoraRole, TrainableSpec } from './graph/selection';
import { TuningSettingsError } from './errors';

/** What trains: LoRA adapters (default), every weight of the last k blocks, or the whole decoder. */
export type TrainableMode =
  | {
      readonly kind: 'lora';
      readonly rank: number;
      readonly alpha: number;
      readonly roles: readonly LoraRole[];
      /** Adapters in the last k blocks only (all blocks when absent). */
      readonly lastBlocks?: number;
    }
  | { readonly kind: 'last-blocks'; readonly blocks: number }
  | { readonly kind: 'full' };

export type ScheduleKind = LrSchedule['kind'];

export interface TuningSettings {
  readonly epochs: number;
  readonly lr: number;
  readonly optimizer: OptimizerConfig['algorithm'];
  readonly weightDecay: number;
  /** Global-norm clipping; null turns it off. */
  readonly maxGradNorm: number | null;
  /** Samples per micro-batch (the training graph's static batch dimension). */
  readonly batchSize: number;
  /** Micro-batches per optimizer update. */
  readonly accumulation: number;
  readonly trainable: TrainableMode;
  readonly schedule: ScheduleKind;
  /** Linear warm-up steps of the linear and cosine schedules. */
  readonly warmupSteps: number;
  /**
   * The longest caption the training graph takes, in tokens (start + caption, or caption + end): the graph fits
   * the run's longest caption up to this (it bounds the graph's memory); longer ones are cut and counted.
   */
  readonly maxTokens: number;
  /** Write a checkpoint every this many optimizer steps (a reload loses at most this many). */
  readonly checkpointEvery: number;
  /** Shuffling of each epoch and LoRA's initialization. */
  readonly seed: number;
  /**
   * What the steps minimize (absent: the caption loss). 'preference' trains on (rewrite, original caption)
   * pairs with DPO (graph/preference-loss.ts); `batchSize` then counts pairs.
   */
  readonly objective?: TrainingObjective;
}

/** The preference objective as the settings form first offers it (graph/preference-loss.ts). */
export const DEFAULT_PREFERENCE_OBJECTIVE: TrainingObjective = {
  kind: 'preference',
  beta: DEFAULT_PREFERENCE_BETA,
  chosenWeight: 1,
};

export const DEFAULT_TUNING_SETTINGS: TuningSettings = {
  epochs: 3,
  lr: DEFAULT_OPTIMIZER.lr,
  optimizer: DEFAULT_OPTIMIZER.algorithm,
  weightDecay: DEFAULT_OPTIMIZER.weightDecay,
  maxGradNorm: DEFAULT_OPTIMIZER.maxGradNorm,
  batchSize: 4,
  accumulation: 1,
  trainable: { kind: 'lora', rank: 8, alpha: 16, roles: ['self-attn', 'cross-attn', 'mlp'] },
  schedule: 'constant',
  warmupSteps: 0,
  maxTokens: 64,
  checkpointEvery: 10,
  seed: 0,
};

/** The ranges the settings form offers and validation enforces. */
export const TUNING_LIMITS = {
  epochs: { min: 1, max: 100 },
  batchSize: { min: 1, max: 64 },
  accumulation: { min: 1, max: 64 },
  rank: { min: 1, max: 256 },
  blocks: { min: 1, max: 96 },
  maxTokens: { min: 2, max: 128 },
  checkpointEvery: { min: 1, max: 10_000 },
  warmupSteps: { min: 0, max: 100_000 },
} as const;

const LORA_ROLES: readonly LoraRole[] = ['self-attn', 'cross-attn', 'mlp'];

function wholeIn(what: string, value: number, { min, max }: { min: number; max: number }): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new TuningSettingsError(`${what} must be a whole number from ${min} to ${max}, got ${value}.`);
}

export function validateTuningSettings(s: TuningSettings): void {
  wholeIn('Epochs', s.epochs, TUNING_LIMITS.epochs);
  wholeIn('The batch size', s.batchSize, TUNING_LIMITS.batchSize);
  wholeIn('Gradient accumulation', s.accumulation, TUNING_LIMITS.accumulation);
  wholeIn('The caption length', s.maxTokens, TUNING_LIMITS.maxTokens);
  wholeIn('Checkpoints every N steps', s.checkpointEvery, TUNING_LIMITS.checkpointEvery);
  wholeIn('Warm-up steps', s.warmupSteps, TUNING_LIMITS.warmupSteps);
  if (!Number.isInteger(s.seed))
    throw new TuningSettingsError(`The seed must be a whole number, got ${s.seed}.`);
  if (!(s.lr > 0 && s.lr <= 1))
    throw new TuningSettingsError(`The learning rate must be in (0, 1], got ${s.lr}.`);
  if (s.optimizer !== 'radam' && s.optimizer !== 'adamw')
    throw new TuningSettingsError(`The optimizer must be radam or adamw, got ${String(s.optimizer)}.`);
  if (!(s.weightDecay >= 0 && s.weightDecay < 1))
    throw new TuningSettingsError(`Weight decay must be in [0, 1), got ${s.weightDecay}.`);
  if (s.maxGradNorm !== null && !(s.maxGradNorm > 0))
    throw new TuningSettingsError(`Gradient clipping must be above 0 (or off), got ${s.maxGradNorm}.`);
  if (!['constant', 'linear', 'cosine'].includes(s.schedule))
    throw new TuningSettingsError(
      `The schedule must be constant, linear or cosine, got ${String(s.schedule)}.`,
    );
  const o = s.objective;
  if (o !== undefined && o.kind !== 'caption' && o.kind !== 'preference')
    throw new TuningSettingsError(`The objective must be caption or preference.`);
  if (o?.kind === 'preference' && !(o.beta > 0 && o.beta <= 100))
    throw new TuningSettingsError(`The preference temperature β must be in (0, 100], got ${o.beta}.`);
  if (o?.kind === 'preference' && !(o.chosenWeight >= 0 && o.chosenWeight <= 100))
    throw new TuningSettingsError(
      `The weight of the chosen captions' loss must be in [0, 100], got ${o.chosenWeight}.`,
    );
  const t = s.trainable;
  if (t.kind === 'lora') {
    wholeIn('The LoRA rank', t.rank, TUNING_LIMITS.rank);
    if (!(t.alpha > 0)) throw new TuningSettingsError(`LoRA alpha must be above 0, got ${t.alpha}.`);
    if (t.roles.length === 0 || t.roles.some((r) => !LORA_ROLES.includes(r)))
      throw new TuningSettingsError(
        `LoRA goes into some of ${LORA_ROLES.join(', ')}; got [${t.roles.join(', ')}].`,
      );
    if (t.lastBlocks !== undefined) wholeIn('LoRA in the last k blocks', t.lastBlocks, TUNING_LIMITS.blocks);
  } else if (t.kind === 'last-blocks') {
    wholeIn('The number of trained blocks', t.blocks, TUNING_LIMITS.blocks);
  } else if (t.kind !== 'full') {
    throw new TuningSettingsError(`What trains must be lora, last-blocks or full.`);
  }
}

export function trainableSpecOf(s: TuningSettings): TrainableSpec {
  const t = s.trainable;
  switch (t.kind) {
    case 'lora':
      return {
        kind: 'lora',
        rank: t.rank,
        alpha: t.alpha,
        roles: t.roles,
        seed: s.seed,
        ...(t.lastBlocks === undefined ? {} : { lastBlocks: t.lastBlocks }),
      };
    case 'last-blocks':
      return { kind: 'subset', lastBlocks: t.blocks };
    case 'full':
      return { kind: 'full' };
  }
}

export function objectiveOf(s: TuningSettings): TrainingObjective {
  return s.objective ?? CAPTION_OBJECTIVE;
}

export function optimizerOf(s: TuningSettings): OptimizerConfig {
  return {
    ...DEFAULT_OPTIMIZER,
    algorithm: s.optimizer,
    lr: s.lr,
    weightDecay: s.weightDecay,
    maxGradNorm: s.maxGradNorm,
  };
}

/** Optimizer updates in a run of `samples` samples (a short last micro-batch and group still make a step). */
export function plannedSteps(
  s: Pick<TuningSettings, 'epochs' | 'batchSize' | 'accumulation'>,
  samples: number,
) {
  const microBatches = Math.ceil(samples / s.batchSize);
  return s.epochs * Math.ceil(microBatches / s.accumulation);
}

export function scheduleOf(s: TuningSettings, totalSteps: number): LrSchedule {
  if (s.schedule === 'constant') return { kind: 'constant' };
  if (s.schedule === 'linear') return { kind: 'linear', warmupSteps: s.warmupSteps, totalSteps };
  return { kind: 'cosine', warmupSteps: s.warmupSteps, totalSteps, minFactor: 0 };
}
