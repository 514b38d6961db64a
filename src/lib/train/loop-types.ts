/** The loop's (loop.ts) contract: the trainer it drives, its options, the events it sends and its result. */
import type { Checkpoint } from './checkpoints/format';
import type { makeBatch, SpecialTokens, TrainingSample } from './graph/batches';
import type { TrainingShapes } from './graph/artifacts';
import type { StepReport } from './graph/trainer';
import type { GuardrailPolicy, Notice } from './rounds/guardrails';
import type { TuningCheckpoint } from './checkpoints/data';

/** The part of graph/trainer.ts's Trainer the loop drives (fakes in tests). */
export interface TrainerLike {
  lrScale: number;
  readonly step: number;
  readonly learningRate: number;
  trainStep(batch: ReturnType<typeof makeBatch>): Promise<StepReport>;
  /** Preference runs only (preference-references.ts). */
  sequenceLogp?(batch: ReturnType<typeof makeBatch>): Promise<Float32Array>;
  flush(): Promise<Omit<StepReport, 'loss'> | undefined>;
  checkpoint(extra?: unknown): Promise<Checkpoint>;
  release(): Promise<void>;
}

export interface TrainerRequest {
  readonly batchSize: number;
  readonly accumulation: number;
  /** Start from these tensors, moments and step (absent: the untrained initial values). */
  readonly resume?: TuningCheckpoint;
}

export type CreateTrainer = (
  request: TrainerRequest,
) => Promise<{ trainer: TrainerLike; shapes: TrainingShapes }>;

export type LoopEvent =
  | {
      readonly kind: 'step';
      /** Optimizer steps in all (continues across runs that resumed from each other). */
      readonly step: number;
      readonly runStep: number;
      readonly epoch: number;
      /** Mean loss of the step's micro-batches (before the update). */
      readonly loss: number;
      readonly lr: number;
      readonly gradNorm: number | null;
    }
  | { readonly kind: 'notice'; readonly notice: Notice }
  /** The run went back to `step` (after a lost device): points after it are void. */
  | { readonly kind: 'rewind'; readonly step: number }
  | { readonly kind: 'batch-size'; readonly batchSize: number; readonly accumulation: number };

export interface SavedCheckpoint {
  readonly checkpoint: TuningCheckpoint;
  readonly bytes: Uint8Array;
}

export interface TuningLoopOptions {
  readonly runId: string;
  readonly samples: readonly TrainingSample[];
  readonly special: SpecialTokens;
  /** 'preference': samples are (chosen, rejected) pairs and `batchSize` counts pairs (graph/preference-loss.ts). */
  readonly objective?: 'caption' | 'preference';
  readonly epochs: number;
  readonly seed: number;
  readonly batchSize: number;
  readonly accumulation: number;
  readonly checkpointEvery: number;
  readonly guardrails?: GuardrailPolicy;
  /**
   * Where to start: `continues` picks up the same run at the checkpoint's cursor (after a reload); otherwise
   * the checkpoint only gives the starting tensors (checkpoints/data.ts warmStartFrom) and the run begins at
   * epoch 0. Absent: the untrained initial values.
   */
  readonly start?: { readonly checkpoint: TuningCheckpoint; readonly continues: boolean };
  readonly control: { yieldPoint(): Promise<void> };
  readonly createTrainer: CreateTrainer;
  readonly onEvent: (event: LoopEvent) => void;
  /** Awaited: the checkpoint is stored before training goes on. */
  readonly onCheckpoint: (saved: SavedCheckpoint) => Promise<void>;
}

export interface TuningLoopResult {
  readonly final: SavedCheckpoint;
  readonly runSteps: number;
  readonly lastLoss: number | null;
}
