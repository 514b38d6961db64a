import type {
  CaptionProgress,
  CaptionRequest,
  CaptionRunResult,
  GenerationSettings,
  LoadStudentOptions,
  StudentModelInfo,
} from './types';
import type { DevicePreference, DeviceResolution } from '../core/devices';

/**
 * The student worker's API (workers/student.worker.ts exposes an object of this type with Comlink).
 * The UI holds `Comlink.Remote<StudentWorkerApi>`; Node tests use the same Captioner underneath directly.
 *
 * Errors: every rejection is one of the classes in ../errors.ts; across Comlink only name, message and stack
 * survive, so branch on `error.name` (STUDENT_ERROR_NAMES lists them).
 */
export interface StudentWorkerApi {
  /** Which device `preference` would give here, and why (for the badge before or without loading). */
  resolveDevice(preference: DevicePreference): Promise<DeviceResolution>;

  /**
   * Loads (or replaces) the student: tokenizer, image processor and the encoder and decoder sessions on the
   * resolved device. Serialized: a second call waits for the first. Throws InvalidChoiceError, ModelLoadError,
   * ModelUnavailableError (not in public/models/<id>/ and the hub cannot be reached: offline),
   * DeviceUnavailableError ('webgpu' asked for but no adapter), StudentBusyError (a caption run is going on).
   */
  load(options: LoadStudentOptions): Promise<StudentModelInfo>;

  /** The loaded model, or null. */
  info(): Promise<StudentModelInfo | null>;

  /**
   * Captions `requests` in batches of `settings.batchSize`, one run at a time (StudentBusyError otherwise;
   * NotLoadedError before load). A bad image fails alone (status 'failed', ImageInputError); the run goes on.
   * `onProgress` must be wrapped with Comlink.proxy. Transfer the image buffers with Comlink.transfer.
   * After cancel() the promise resolves (not rejects) with the finished items and the rest marked 'cancelled'.
   * Rejects with DeviceLostError if the GPU device is lost (the next load() recreates it) and with
   * GenerationError if ONNX Runtime fails.
   */
  caption(
    requests: CaptionRequest[],
    settings: GenerationSettings,
    onProgress?: (progress: CaptionProgress) => void,
  ): Promise<CaptionRunResult>;

  /** Cooperative: take effect between decode steps and between batches. No-ops when nothing runs. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  cancel(): Promise<void>;

  /** Releases the sessions (the GPU device stays with the worker). */
  unload(): Promise<void>;
}
