import type { WebGpuProbe } from '../core/devices';
import { onnxFilePath, resolveDevice, resolveDtype } from '../core/devices';
import { DeviceLostError, GenerationError, NotLoadedError, StudentBusyError } from '../core/errors';
import type { ModelFiles } from '../core/model-sources';
import { captionBatched } from './captioner';
import { RunControl } from '../core/run-control';
import type { LoadedStudent, OwnedSession, SessionRole } from './load';
import { loadStudent } from './load';
import type { RowGather } from './row-gather';
import type { TensorFactory } from './session';
import type { ImageDecoder } from './student-model';
import type {
  CaptionProgress,
  CaptionRequest,
  CaptionRunResult,
  GenerationSettings,
  LoadStudentOptions,
  StudentDevice,
  StudentModelInfo,
} from './types';
import type { DevicePreference, DeviceResolution } from '../core/devices';
import type { ModelSource } from '../core/model-sources';
import type { StudentWorkerApi } from './worker-api';

/** What the student needs from where it runs (the worker with onnxruntime-web, Node tests with onnxruntime-node). */
export interface StudentPlatform {
  /** `navigator.gpu` or null. */
  gpu(): WebGpuProbe | null;
  openModel(source: ModelSource): Promise<ModelFiles>;
  createSession(bytes: Uint8Array, role: SessionRole, device: StudentDevice): Promise<OwnedSession>;
  tensors: TensorFactory;
  gather?: RowGather;
  decodeImage?: ImageDecoder;
}

/**
 * The student behind the worker boundary: one model at a time, one caption run at a time, loads
 * serialized. The worker exposes an instance as is; Node tests drive the same class.
 */
export class StudentService implements StudentWorkerApi {
  /** `encoderKey` names the files, device and dtype the encoder session was made from (see useDecoder). */
  private loaded: { student: LoadedStudent; info: StudentModelInfo; encoderKey: string } | null = null;
  private control: RunControl | null = null;
  private loadChain: Promise<unknown> = Promise.resolve();
  private lostReason: string | null = null;

  constructor(private readonly platform: StudentPlatform) {}

  async resolveDevice(preference: DevicePreference): Promise<DeviceResolution> {
    return resolveDevice(preference, this.platform.gpu());
  }

  load(options: LoadStudentOptions): Promise<StudentModelInfo> {
    return this.serialized(() => this.loadNow(options, 'full'));
  }

  /**
   * The student of `options` with another merged decoder (`decoder.bytes`, reported as `decoder.modelId`), or
   * with its own again (null). When that model is already loaded on that device and dtype, only the decoder's
   * sessions are replaced: after training, the encoder, image processor and tokenizer have not changed.
   * Otherwise a full load. Errors as load().
   */
  useDecoder(
    options: LoadStudentOptions,
    decoder: { bytes: Uint8Array; modelId: string } | null,
  ): Promise<StudentModelInfo> {
    return this.serialized(() => this.loadNow(options, decoder));
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.loadChain.then(work);
    this.loadChain = next.catch(() => undefined);
    return next;
  }

  async info(): Promise<StudentModelInfo | null> {
    return this.loaded?.info ?? null;
  }

  async caption(
    requests: CaptionRequest[],
    settings: GenerationSettings,
    onProgress?: (progress: CaptionProgress) => void,
  ): Promise<CaptionRunResult> {
    if (this.control !== null) throw new StudentBusyError('a caption run is already going on');
    const loaded = this.loaded;
    if (loaded === null) throw new NotLoadedError('load a student model before captioning');
    this.throwIfLost(loaded.info.device);
    const control = new RunControl();
    this.control = control;
    try {
      const options = {
        control,
        ...(onProgress === undefined ? {} : { onProgress }),
        ...(this.platform.decodeImage === undefined ? {} : { decodeImage: this.platform.decodeImage }),
      };
      return await captionBatched(loaded.student.model, requests, settings, options);
    } catch (error) {
      if (error instanceof GenerationError && this.lostReason !== null && loaded.info.device === 'webgpu') {
        throw new DeviceLostError(`the GPU device was lost while captioning: ${this.lostReason}`, {
          cause: error,
        });
      }
      throw error;
    } finally {
      this.control = null;
    }
  }

  async pause(): Promise<void> {
    this.control?.pause();
  }

  async resume(): Promise<void> {
    this.control?.resume();
  }

  async cancel(): Promise<void> {
    this.control?.stop();
  }

  async unload(): Promise<void> {
    if (this.control !== null) throw new StudentBusyError('cancel the caption run before unloading');
    const loaded = this.loaded;
    this.loaded = null;
    await loaded?.student.release();
  }

  /** Called by the platform when the GPU device is lost (GPUDevice.lost resolved). */
  deviceLost(reason: string): void {
    this.lostReason = reason;
  }

  /** Why this worker's GPU device was lost, or null while it is fine (training asks: it shares the device). */
  lostDevice(): string | null {
    return this.lostReason;
  }

  private throwIfLost(device: StudentDevice): void {
    if (device === 'webgpu' && this.lostReason !== null) {
      throw new DeviceLostError(
        `the GPU device was lost (${this.lostReason}); restart the student worker, or load with device 'wasm'`,
      );
    }
  }

  private async loadNow(
    options: LoadStudentOptions,
    decoder: { bytes: Uint8Array; modelId: string } | null | 'full',
  ): Promise<StudentModelInfo> {
    if (this.control !== null) throw new StudentBusyError('cancel the caption run before loading a model');
    const dtype = resolveDtype(options.dtype);
    const device = await resolveDevice(options.device, this.platform.gpu());
    this.throwIfLost(device.device);
    const files = await this.platform.openModel(options.source);
    const encoderKey = JSON.stringify([files.origin, files.modelId, dtype, device.device]);
    const loaded = this.loaded;
    // Its own decoder asked for, and already in place: nothing to read or create.
    if (decoder === null && loaded?.encoderKey === encoderKey && loaded.info.modelId === files.modelId)
      return loaded.info;
    const tuned = decoder === 'full' ? null : decoder;
    let student: LoadedStudent;
    if (decoder !== 'full' && loaded?.encoderKey === encoderKey) {
      const bytes = tuned?.bytes ?? (await files.read(onnxFilePath('decoder_model_merged', dtype)));
      this.loaded = null; // replaceDecoder releases everything if it fails
      student = await loaded.student.replaceDecoder(bytes);
    } else {
      await this.unload();
      student = await loadStudent(
        {
          files,
          dtype,
          tensors: this.platform.tensors,
          createSession: (bytes, role) => this.platform.createSession(bytes, role, device.device),
          ...(this.platform.gather === undefined ? {} : { gather: this.platform.gather }),
        },
        tuned?.bytes,
      );
    }
    const info: StudentModelInfo = {
      ...device,
      modelId: tuned?.modelId ?? files.modelId,
      origin: files.origin,
      dtype,
      imageSize: student.imageSize,
    };
    this.loaded = { student, info, encoderKey };
    return info;
  }
}
