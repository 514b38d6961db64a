/**
 * Training behind the student worker's boundary (TrainingWorkerApi): reads the student's files, tokenizes the
 * accepted captions with its tokenizer, encodes each image once (cached for later rounds), runs the loop on the
 * worker's ONNX Runtime and GPU device, and afterwards loads the tuned weights for captioning. The worker
 * exposes an instance beside the StudentService (one ORT module, one device); Node tests drive the same class
 * over onnxruntime-node.
 */
import type { ModelFiles } from '../core/model-sources';
import type { OwnedSession, SessionRole } from '../caption/load';
import { studentConfigFrom } from '../caption/model-config';
import { loadProcessors } from '../caption/processors';
import type { TensorFactory } from '../caption/session';
import type { ImageDecoder } from '../caption/student-model';
import type { CaptionRequest, LoadStudentOptions, StudentDevice, StudentModelInfo } from '../caption/types';
import type { ModelSource } from '../core/model-sources';
import type { TrainingSample } from './graph/batches';
import { CheckpointMismatchError, modelIdentity } from './checkpoints/format';
import type { RuntimeOptions } from './graph/runtime';
import { readTuningCheckpoint, warmStartFrom, type TuningCheckpoint } from './checkpoints/data';
import { TrainingControl } from './control';
import { withDeviceHeld } from './device-anchor';
import { encodeImages } from './encode-images';
import { EncoderStatesCache } from './encoder-cache';
import { cutCaptionsNotice, decoderPositions, fitCaptions } from './caption-fit';
import { DeviceLostError } from '../core/errors';
import { NoTrainingDataError, TrainingBusyError } from './errors';
import { runTuningLoop } from './loop';
import { plannedSteps, validateTuningSettings } from './settings';
import { loadCaptionTokenizer } from './tokenizer';
import { ArtifactsCache, trainerFactory } from './trainer-factory';
import { MERGED_DECODER_PATH, readTrainingDecoder, tunedDecoderFiles, tunedModelFolder } from './tuned-files';
import type { TrainRequest, TrainResult, TrainingEvent, TrainingWorkerApi } from './worker-api';

/** What training needs from where it runs (the student worker with onnxruntime-web, Node tests). */
export interface TuningPlatform {
  openModel(source: ModelSource): Promise<ModelFiles>;
  /** A session on the student's device (the same factory captioning uses). */
  createSession(bytes: Uint8Array, role: SessionRole, device: StudentDevice): Promise<OwnedSession>;
  readonly tensors: TensorFactory;
  readonly decodeImage?: ImageDecoder;
  /** The ORT module, providers and tensor placement for the training graphs on `device`. */
  trainingRuntime(device: StudentDevice): RuntimeOptions;
  /** Loads the captioning student with another merged decoder, or its own (the worker's StudentService.useDecoder). */
  useDecoder(
    options: LoadStudentOptions,
    decoder: { bytes: Uint8Array; modelId: string } | null,
  ): Promise<StudentModelInfo>;
  /** Hands buffers over without copying (Comlink.transfer in the worker; identity elsewhere). */
  transfer?<T>(value: T, buffers: ArrayBuffer[]): T;
  /**
   * Why the worker's GPU device was lost (GPUDevice.lost resolved), or null. A lost device cannot come back in
   * this worker (ONNX Runtime Web keeps its one device), so training then ends with DeviceLostError and the
   * page resumes the run in a fresh worker from its last stored checkpoint.
   */
  deviceLost?(): string | null;
}

const ENCODE_BATCH = 4;

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
      send({ kind: 'phase', phase: 'reading-model' });
      const files = await this.#platform.openModel(request.source);
      const decoder = await readTrainingDecoder(files);
      const decoderId = await this.#decoderId(files, decoder);
      const modelConfig = await files.readJson('config.json');
      const config = studentConfigFrom(
        files.modelId,
        modelConfig,
        await files.readJson('generation_config.json').catch(() => ({})),
      );
      const tokenizer = await loadCaptionTokenizer(files);
      const texts = request.samples
        .map((s) => ({ ...s, tokens: tokenizer.encode(s.text) }))
        .filter((s) => s.tokens.length > 0 && s.weight > 0);
      if (texts.length === 0)
        throw new NoTrainingDataError('None of the accepted captions has a word to train on.');
      // The graph's caption length fits the longest caption (up to the limits); any cut is told, not silent.
      const fit = fitCaptions(
        texts.map((t) => t.tokens.length),
        request.settings.maxTokens,
        decoderPositions(modelConfig),
      );
      const cutNotice = cutCaptionsNotice(fit);
      if (cutNotice) send({ kind: 'notice', notice: cutNotice });

      const encodeStarted = Date.now();
      this.#encoded.useEncoder(`${files.modelId}:${decoderId}`);
      await this.#encodeMissing(
        files,
        request.device,
        texts.map((t) => t.imageId),
        images,
        send,
      );
      const encodeMs = Date.now() - encodeStarted;

      const samples: TrainingSample[] = texts.map((t) => ({
        tokens: t.tokens,
        encoderStates: this.#encoded.get(t.imageId)!.data,
        weight: t.weight,
      }));
      const first = this.#encoded.get(texts[0]!.imageId)!;
      const start = this.#startFrom(request, decoderId);
      const runId = request.runId;
      const createTrainerHere = trainerFactory({
        runtime: this.#platform.trainingRuntime(request.device),
        source: {
          decoder,
          decoderId,
          baseModelId: files.modelId,
          encoderSequence: first.sequence,
          encoderWidth: first.width,
        },
        settings: request.settings,
        sequence: fit.sequence,
        totalSteps: plannedSteps(request.settings, samples.length),
        cache: this.#artifacts,
        onBuild: () => send({ kind: 'phase', phase: 'building-graph' }),
      });
      // After a lost device the loop's guardrail asks for a new trainer: on this worker's dead device that
      // would only fail again (after a graph build), so say at once that the worker itself must go.
      const createTrainer: typeof createTrainerHere = (trainerRequest) => {
        this.#throwIfDeviceLost(request.device);
        return createTrainerHere(trainerRequest);
      };
      let batch = { batchSize: request.settings.batchSize, accumulation: request.settings.accumulation };
      const result = await runTuningLoop({
        runId,
        samples,
        special: {
          start: config.special.decoderStartTokenId,
          end: config.special.eosTokenId,
          pad: config.special.padTokenId,
        },
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
        createTrainer,
        onEvent: (event) => {
          if (event.kind === 'batch-size') batch = event;
          send(event);
        },
        onCheckpoint: async ({ checkpoint, bytes }) => {
          const event: TrainingEvent = {
            kind: 'checkpoint',
            bytes,
            step: checkpoint.step,
            epoch: checkpoint.extra.cursor.epoch,
            loss: checkpoint.extra.loss,
            final: checkpoint.extra.kind === 'final',
          };
          await onEvent(this.#transfer(event, [bytes.buffer as ArrayBuffer]));
        },
      });
      return {
        steps: result.runSteps,
        lastLoss: result.lastLoss,
        ...batch,
        elapsedMs: Date.now() - began,
        encodeMs,
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

  async #encodeMissing(
    files: ModelFiles,
    device: StudentDevice,
    imageIds: readonly string[],
    images: (ids: string[]) => Promise<CaptionRequest[]>,
    send: (event: TrainingEvent) => void,
  ): Promise<void> {
    const missing = this.#encoded.missing(imageIds);
    if (missing.length === 0) return;
    send({ kind: 'phase', phase: 'encoding', done: 0, total: missing.length });
    const processors = await loadProcessors(files);
    const session = await this.#platform.createSession(
      await files.read('onnx/encoder_model.onnx'),
      'encoder',
      device,
    );
    try {
      const encoder = {
        session,
        tensors: this.#platform.tensors,
        preprocess: processors.preprocess,
        ...(this.#platform.decodeImage ? { decodeImage: this.#platform.decodeImage } : {}),
      };
      // Ask for a few images at a time: the page keeps pixels of only so many in memory.
      for (let i = 0; i < missing.length; i += ENCODE_BATCH) {
        const requests = await images(missing.slice(i, i + ENCODE_BATCH));
        await this.#encoded.fill(
          requests.map((r) => ({ id: r.id, image: r.image })),
          (batch) => encodeImages(encoder, batch),
          ENCODE_BATCH,
        );
        send({
          kind: 'phase',
          phase: 'encoding',
          done: Math.min(i + ENCODE_BATCH, missing.length),
          total: missing.length,
        });
      }
    } finally {
      await session.release();
    }
    const still = this.#encoded.missing(imageIds);
    if (still.length > 0)
      throw new NoTrainingDataError(`The images of ${still.length} accepted captions could not be read.`);
  }
}

/** The model id captions of tuned weights are stored under. */
export function tunedModelId(baseModelId: string, label: string): string {
  return `${baseModelId}+tuned@${label}`;
}
