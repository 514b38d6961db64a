import type { CaptionRequest, StudentDevice, StudentModelInfo } from '../caption/types';
import type { ModelSource } from '../core/model-sources';
import type { StudentWorkerApi } from '../caption/worker-api';
import type { GuardrailPolicy } from './rounds/guardrails';
import type { TrainingRunState } from './control';
import type { LoopEvent } from './loop';
import type { TuningSettings } from './settings';
import type { TrainingCaption } from './rounds/training-set';

export interface TrainRequest {
  /** Names this run; checkpoints carry it, so that a reload continues the same run and not another. */
  readonly runId: string;
  /** The student the worker has loaded (its files are read again for the training source). */
  readonly source: ModelSource;
  readonly device: StudentDevice;
  /** The round's training set (rounds/training-set.ts); why each caption was chosen does not matter here. */
  readonly samples: readonly Omit<TrainingCaption, 'kind'>[];
  readonly settings: TuningSettings;
  /**
   * A checkpoint to start from: `continues` when it is this run's own (after a reload: same cursor, same
   * optimizer), else its weights start a new run with a fresh optimizer (the next round).
   */
  readonly start?: { readonly bytes: Uint8Array; readonly continues: boolean };
  readonly guardrails?: GuardrailPolicy;
}

/** What the run tells the page, in order. */
export type TrainingEvent =
  | LoopEvent
  | {
      readonly kind: 'phase';
      readonly phase: 'reading-model' | 'encoding' | 'building-graph' | 'training';
      readonly done?: number;
      readonly total?: number;
    }
  | { readonly kind: 'state'; readonly state: TrainingRunState }
  | {
      /** Store it (the worker waits for the callback): a reload resumes from the last one stored. */
      readonly kind: 'checkpoint';
      readonly bytes: Uint8Array;
      readonly step: number;
      readonly epoch: number;
      readonly loss: number | null;
      readonly final: boolean;
    };

export interface TrainResult {
  readonly steps: number;
  readonly lastLoss: number | null;
  /** The batch size and accumulation at the end (out-of-memory recovery may have changed them). */
  readonly batchSize: number;
  readonly accumulation: number;
  readonly elapsedMs: number;
  /** Milliseconds spent computing encoder outputs (0 when all were cached). */
  readonly encodeMs: number;
  /**
   * The captions against the graph's caption length (tokens without start or end token; `sequence` fits the
   * longest up to the limits): `cut` of them were longer and trained on their first `sequence` tokens, without
   * the end token (a warning notice said so).
   */
  readonly captions: {
    readonly count: number;
    readonly longest: number;
    readonly sequence: number;
    readonly cut: number;
  };
}

/**
 * Training in the student worker (the same worker and GPU device as captioning: weights stay on it). The UI
 * holds `Comlink.Remote<StudentWorkerApi & TrainingWorkerApi>`. Errors cross as name / message / stack:
 * NoTrainingDataError, TrainingSourceError, TuningSettingsError, TrainingBusyError, TrainingHaltedError,
 * RunStoppedError (after stopTraining), CheckpointMismatchError, TuningCheckpointError.
 */
export interface TrainingWorkerApi {
  /**
   * Trains on `request.samples`. `onEvent` (wrap with Comlink.proxy) gets steps, notices and checkpoints;
   * the worker awaits it for checkpoints. `images` (Comlink.proxy) is asked for the pixels or bytes of the
   * images whose encoder outputs are not cached yet (transfer them back).
   */
  train(
    request: TrainRequest,
    onEvent: (event: TrainingEvent) => void | Promise<void>,
    images: (ids: string[]) => Promise<CaptionRequest[]>,
  ): Promise<TrainResult>;
  /** Cooperative, between steps. No-ops when no run is going on. */
  pauseTraining(): Promise<void>;
  resumeTraining(): Promise<void>;
  stopTraining(): Promise<void>;
  /**
   * Captioning from now on uses the checkpoint's weights (null: the student's own). Replaces the captioner's
   * decoder sessions (all its sessions when another model or device is loaded); the returned info's modelId
   * names the tuned weights (`<model>+tuned@<label>`).
   */
  useWeights(
    source: ModelSource,
    device: StudentDevice,
    checkpoint: { readonly bytes: Uint8Array; readonly label: string } | null,
  ): Promise<StudentModelInfo>;
  /** The tuned model folder: every file transformers.js reads, the decoders rewritten (transferred). */
  tunedFolder(
    source: ModelSource,
    checkpoint: Uint8Array,
  ): Promise<{ source: Record<string, Uint8Array>; tuned: Record<string, Uint8Array> }>;
}

/** The student worker's whole API: captioning and training on one device. */
export type StudentWithTrainingApi = StudentWorkerApi & TrainingWorkerApi;
