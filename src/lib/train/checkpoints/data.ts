/**
 * What a fine-tuning checkpoint carries besides the trainer's tensors (format.ts): in
 * `config.user` what is needed to turn it into model files without rebuilding the training graph (settings,
 * LoRA adapters, trainable names and shapes), and in `extra` where the run stood (epoch and sample cursor, the
 * guardrails' state), so that a reload continues the same run exactly where the checkpoint was taken.
 */
import { decodeCheckpoint, type Checkpoint } from './format';
import type { LoraAdapter } from '../graph/lora';
import type { TrainerCheckpointConfig } from '../graph/trainer';
import type { GuardrailState } from '../rounds/guardrails';
import { TuningCheckpointError } from '../errors';
import type { TuningSettings } from '../settings';

/** The next micro-batch: `offset` samples into epoch `epoch`'s shuffled order. */
export interface TuningCursor {
  readonly epoch: number;
  readonly offset: number;
}

export interface TuningCheckpointConfig {
  readonly settings: TuningSettings;
  /** Tokens per caption in the training graph. */
  readonly sequence: number;
  readonly adapters: readonly LoraAdapter[];
  readonly trainables: readonly { readonly name: string; readonly dims: readonly number[] }[];
  /** The student's model id (for labels; the trainer's `modelId` is the decoder's SHA-256). */
  readonly baseModelId: string;
}

export interface TuningCheckpointExtra {
  /** The run this checkpoint belongs to: a reload continues it only with the same id. */
  readonly runId: string;
  readonly cursor: TuningCursor;
  readonly guard: GuardrailState;
  /** 'interval': every N steps; 'final': the run's last step. */
  readonly kind: 'interval' | 'final';
  /** Loss of the last step before the checkpoint (null before the first step). */
  readonly loss: number | null;
  /** Optimizer steps this run had done at the checkpoint (the trainer's step counts all runs before it too). */
  readonly runSteps: number;
  /**
   * Preference runs: the reference log-probabilities of every sample's [chosen, rejected] caption, measured
   * before the run's first step (a resumed run needs the same ones; its weights have moved since).
   */
  readonly references?: readonly (readonly [number, number])[];
}

export type TuningCheckpoint = Checkpoint<TrainerCheckpointConfig & { user: TuningCheckpointConfig }> & {
  readonly extra: TuningCheckpointExtra;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Narrows a decoded checkpoint to one written by fine-tuning, or throws TuningCheckpointError. */
export function asTuningCheckpoint(checkpoint: Checkpoint): TuningCheckpoint {
  const config = checkpoint.config;
  const user = isRecord(config) ? config['user'] : undefined;
  const extra = checkpoint.extra;
  if (
    !isRecord(user) ||
    !isRecord(user['settings']) ||
    !Array.isArray(user['adapters']) ||
    !Array.isArray(user['trainables']) ||
    typeof user['sequence'] !== 'number'
  )
    throw new TuningCheckpointError(
      'This checkpoint has no fine-tuning settings: it was not written by the studio.',
    );
  if (
    !isRecord(extra) ||
    !isRecord(extra['cursor']) ||
    !isRecord(extra['guard']) ||
    typeof extra['runId'] !== 'string'
  )
    throw new TuningCheckpointError('This checkpoint does not say where its run stood (no cursor).');
  return checkpoint as TuningCheckpoint;
}

export function readTuningCheckpoint(bytes: Uint8Array): TuningCheckpoint {
  return asTuningCheckpoint(decodeCheckpoint(bytes));
}

/**
 * The start of a new run (the next round) from a checkpoint: its weights, a fresh optimizer (zero moments, step
 * 0, the learning rate at its setting), as the seed trains each round anew from the current student.
 */
export function warmStartFrom(checkpoint: TuningCheckpoint, runId: string): TuningCheckpoint {
  return {
    ...checkpoint,
    step: 0,
    config: { ...checkpoint.config, lrScale: 1 },
    tensors: checkpoint.tensors.map((t) =>
      t.slot === 'param' ? t : { ...t, data: new Float32Array(t.data.length) },
    ),
    extra: {
      ...withoutReferences(checkpoint.extra),
      runId,
      cursor: { epoch: 0, offset: 0 },
      runSteps: 0,
      loss: null,
    },
  };
}

/** A new run measures its own reference log-probabilities (from the weights it starts with). */
function withoutReferences(extra: TuningCheckpointExtra): TuningCheckpointExtra {
  const { references: _dropped, ...rest } = extra;
  return rest;
}
