/** The trainer's (trainer.ts) options, reports, checkpoint config and state error. */
import type { TrainingArtifacts } from './artifacts';
import type { Checkpoint } from '../checkpoints/format';
import type { OptimizerConfig } from './optimizer-config';
import type { RuntimeOptions } from './runtime';
import type { LrSchedule } from './schedule';

export interface TrainerOptions {
  readonly runtime: RuntimeOptions;
  readonly artifacts: TrainingArtifacts;
  /** SHA-256 of the decoder the artifacts were built from (checkpoint.modelIdentity). */
  readonly modelId: string;
  readonly optimizer?: OptimizerConfig;
  readonly schedule?: LrSchedule;
  /** Micro-batches per optimizer update (default 1). */
  readonly accumulation?: number;
  /** Caller's settings, stored in checkpoints as they are (JSON-able). */
  readonly config?: unknown;
  /** Continue from this checkpoint (its trainable tensors, moments and step). */
  readonly resume?: Checkpoint;
}

export interface StepReport {
  readonly loss: number;
  /** The micro-batch's loss was not finite, or the update's gradient norm was not: nothing changed. */
  readonly skipped: boolean;
  /** An optimizer update ran after this micro-batch. */
  readonly updated: boolean;
  /** Optimizer updates applied so far. */
  readonly step: number;
  readonly gradNorm?: number;
  readonly lr?: number;
}

/** What the trainer stores in a checkpoint's config. */
export interface TrainerCheckpointConfig {
  readonly optimizer: OptimizerConfig;
  readonly schedule: LrSchedule;
  readonly accumulation: number;
  readonly lrScale: number;
  readonly user?: unknown;
}

/** A call came at a moment it cannot be served (checkpoint in the middle of an accumulation, use after release). */
export class TrainerStateError extends Error {
  override readonly name = 'TrainerStateError';
}
