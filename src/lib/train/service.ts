/**
 * Training behind the student worker's boundary (TrainingWorkerApi): prepares the run (prepare-run.ts: the
 * student's files, the captions tokenized, each image encoded once and cached for later rounds), runs the loop
 * on the worker's ONNX Runtime and GPU device (platform.ts says what it needs from there), and afterwards loads
 * the tuned weights for captioning. The worker exposes an instance beside the StudentService (one ORT module,
 * one device); Node tests drive the same class over onnxruntime-node.
 */
import type { ModelFiles } from '../core/model-sources';
import type { CaptionRequest, LoadStudentOptions, StudentDevice, StudentModelInfo } from '../caption/types';
import type { ModelSource } from '../core/model-sources';
import { CheckpointMismatchError, modelIdentity } from './checkpoints/format';
import { readTuningCheckpoint, warmStartFrom, type TuningCheckpoint } from './checkpoints/data';
import { TrainingControl } from './control';
import { withDeviceHeld } from './device-anchor';
import { EncoderStatesCache } from './encoder-cache';
import { DeviceLostError } from '../core/errors';
import { TrainingBusyError } from './errors';
import { runTuningLoop, type CreateTrainer } from './loop';
import type { TuningPlatform } from './platform';
import { prepareRun, type PreparedRun } from './prepare-run';
import { plannedSteps, validateTuningSettings } from './settings';
import { ArtifactsCache, trainerFactory } from './trainer-factory';
import { MERGED_DECODER_PATH, tunedDecoderFiles, tunedModelFolder } from './tuned-files';
import type { TrainRequest, TrainResult, TrainingEvent, TrainingWorkerApi } from './worker-api';

export class TuningService implements TrainingWorkerApi {
  readonly #platform: TuningPlatform;
  readonly #encoded = new EncoderStatesCache();
  readonly #artifacts = new ArtifactsCache();
  #control: TrainingControl | null = null;
  #decoderIds = new Map<string, string>();

  constructor(platform: TuningPlatform) {
    this.#platform = platform;
  }

  /** Graph builds so far (tests check that a second round reuses the first one's graphs). */
  get artifactBuilds(): number {
    return this.#artifacts.builds;
  }

  async train(
    request: TrainRequest,
    onEvent: (event: TrainingEvent) => void | Promise<void>,
    images: (ids: string[]) => Promise<CaptionRequest[]>,
  ): Promise<TrainResult> {
    if (this.#control !== null) throw new TrainingBusyError('A training run is already going on.');
    validateTuningSettings(request.settings);
    const control = new TrainingControl((state) => void send({ kind: 'state', state }));
    this.#control = control;
    const began = Date.now();
    // Steps and notices are not awaited (the page may be busy drawing); Comlink keeps them in order.
    const send = (event: TrainingEvent): void => void Promise.resolve(onEvent(event)).catch(() => undefined);
    try {
      const prepared = await prepareRun(
        {
          platform: this.#platform,
          encoded: this.#encoded,
          decoderId: (files, decoder) => this.#decoderId(files, decoder),
          images,
          send,
        },
        request,
      );
      const start = this.#startFrom(request, prepared.decoderId);
      let batch = { batchSize: request.settings.batchSize, accumulation: request.settings.accumulation };
      const result = await runTuningLoop({
        runId: request.runId,
        samples: prepared.samples,
        special: prepared.special,
        objective: request.settings.objective?.kind ?? 'caption',
        epochs: request.settings.epochs,
        seed: request.settings.seed,
        ...batch,
        checkpointEvery: request.settings.checkpointEvery,
        ...(request.guardrails ? { guardrails: request.guardrails } : {}),
        ...(start ? { start } : {}),
        control: {
          yieldPoint: async () => {
            send({ kind: 'phase', phase: 'training' });
            await control.yieldPoint();
          },
        },
        createTrainer: this.#createTrainer(request, prepared, send),
        onEvent: (event) => {
          if (event.kind === 'batch-size') batch = event;
          send(event);
        },
        onCheckpoint: async ({ checkpoint, bytes }) => {
          await onEvent(this.#transfer(checkpointEvent(checkpoint, bytes), [bytes.buffer as ArrayBuffer]));
        },
      });
      const { fit } = prepared;
      return {
        steps: result.runSteps,
        lastLoss: result.lastLoss,
        ...batch,
        elapsedMs: Date.now() - began,
        encodeMs: prepared.encodeMs,
        captions: { count: fit.captions, longest: fit.longest, sequence: fit.sequence, cut: fit.cut },
      };
    } catch (error) {
      // Whatever failed after the device was lost failed because of it (ORT's own message says little).
      this.#throwIfDeviceLost(request.device, error);
      throw error;
    } finally {
      this.#control = null;
    }
  }

  /** Trainers for this run's graphs (built once per shape, cached across rounds). */
  #createTrainer(
    request: TrainRequest,
    prepared: PreparedRun,
    send: (event: TrainingEvent) => void,
  ): CreateTrainer {
    const createTrainerHere = trainerFactory({
      runtime: this.#platform.trainingRuntime(request.device),
      source: {
        decoder: prepared.decoder,
        decoderId: prepared.decoderId,
        baseModelId: prepared.files.modelId,
        encoderSequence: prepared.encoder.sequence,
        encoderWidth: prepared.encoder.width,
      },
      settings: request.settings,
      sequence: prepared.fit.sequence,
      totalSteps: plannedSteps(request.settings, prepared.samples.length),
      cache: this.#artifacts,
      onBuild: () => send({ kind: 'phase', phase: 'building-graph' }),
    });
    // After a lost device the loop's guardrail asks for a new trainer: on this worker's dead device that
    // would only fail again (after a graph build), so say at once that the worker itself must go.
    return (trainerRequest) => {
      this.#throwIfDeviceLost(request.device);
      return createTrainerHere(trainerRequest);
    };
  }

  #throwIfDeviceLost(device: StudentDevice, cause?: unknown): void {
    const reason = device === 'webgpu' ? (this.#platform.deviceLost?.() ?? null) : null;
    if (reason === null || cause instanceof DeviceLostError) return;
    throw new DeviceLostError(
      `The GPU device was lost while training (${reason}); training resumes from its last checkpoint in a fresh student worker.`,
      cause === undefined ? undefined : { cause },
    );
  }

  async pauseTraining(): Promise<void> {
    this.#control?.pause();
  }

  async resumeTraining(): Promise<void> {
    this.#control?.resume();
  }

  async stopTraining(): Promise<void> {
    this.#control?.stop();
  }

  async useWeights(
    source: ModelSource,
    device: StudentDevice,
    checkpoint: { readonly bytes: Uint8Array; readonly label: string } | null,
  ): Promise<StudentModelInfo> {
    const options: LoadStudentOptions = { source, device, dtype: 'fp32' };
    let decoder: { bytes: Uint8Array; modelId: string } | null = null;
    if (checkpoint !== null) {
      const files = await this.#platform.openModel(source);
      const tuned = await tunedDecoderFiles(files, readTuningCheckpoint(checkpoint.bytes), {
        paths: [MERGED_DECODER_PATH], // the captioner runs the merged decoder only
        identify: (bytes) => this.#decoderId(files, bytes),
      });
      decoder = {
        bytes: tuned.get(MERGED_DECODER_PATH)!,
        modelId: tunedModelId(files.modelId, checkpoint.label),
      };
    }
    // Where the student is loaded in full (another model or device), its old sessions go before the new ones
    // come: an anchor session keeps ORT's WebGPU device alive in between (device-anchor.ts).
    return device === 'webgpu'
      ? withDeviceHeld(
          (bytes) => this.#platform.createSession(bytes, 'encoder', device),
          () => this.#platform.useDecoder(options, decoder),
        )
      : this.#platform.useDecoder(options, decoder);
  }

  async tunedFolder(
    source: ModelSource,
    checkpoint: Uint8Array,
  ): Promise<{ source: Record<string, Uint8Array>; tuned: Record<string, Uint8Array> }> {
    const files = await this.#platform.openModel(source);
    const folder = await tunedModelFolder(files, readTuningCheckpoint(checkpoint));
    const result = { source: Object.fromEntries(folder.source), tuned: Object.fromEntries(folder.tuned) };
    const buffers = [...folder.tuned.values()].map((b) => b.buffer as ArrayBuffer);
    return this.#transfer(result, buffers);
  }

  #transfer<T>(value: T, buffers: ArrayBuffer[]): T {
    return this.#platform.transfer ? this.#platform.transfer(value, buffers) : value;
  }

  async #decoderId(files: ModelFiles, decoder: Uint8Array): Promise<string> {
    // Hashing a real-size decoder (500+ MB) takes seconds: once per model and size.
    const key = `${files.origin}:${files.modelId}:${decoder.byteLength}`;
    const known = this.#decoderIds.get(key);
    if (known !== undefined) return known;
    const id = await modelIdentity(decoder);
    this.#decoderIds.set(key, id);
    return id;
  }

  #startFrom(request: TrainRequest, decoderId: string) {
    if (request.start === undefined) return undefined;
    const checkpoint: TuningCheckpoint = readTuningCheckpoint(request.start.bytes);
    if (checkpoint.modelId !== decoderId)
      throw new CheckpointMismatchError('The checkpoint was trained on another student than the one loaded.');
    return request.start.continues
      ? { checkpoint, continues: true }
      : { checkpoint: warmStartFrom(checkpoint, request.runId), continues: false };
  }
}

/** The model id captions of tuned weights are stored under. */
export function tunedModelId(baseModelId: string, label: string): string {
  return `${baseModelId}+tuned@${label}`;
}

/** A stored checkpoint as the page gets it (the worker waits until it is stored). */
function checkpointEvent(checkpoint: TuningCheckpoint, bytes: Uint8Array): TrainingEvent {
  return {
    kind: 'checkpoint',
    bytes,
    step: checkpoint.step,
    epoch: checkpoint.extra.cursor.epoch,
    loss: checkpoint.extra.loss,
    final: checkpoint.extra.kind === 'final',
  };
}
