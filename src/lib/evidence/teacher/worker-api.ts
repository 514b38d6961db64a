import type { ChatMessage, TextGenerationOptions } from '../../core/text-generation';
import type { DevicePreference, DeviceResolution } from '../../core/devices';
import type {
  EvidenceOutcome,
  EvidenceProgress,
  EvidenceRequest,
  TeacherInfo,
  TeacherLoadOptions,
  TeacherSettings,
} from './types';

/**
 * The teacher worker's API (workers/teacher.worker.ts exposes a TeacherService, which implements it; Node
 * tests drive the same class). Errors cross Comlink as name / message / stack: TeacherDtypeError,
 * TeacherLoadError, TeacherNotLoadedError, TeacherBusyError, TextModelError, DeviceUnavailableError,
 * InvalidTeacherSettingsError.
 */
export interface TeacherWorkerApi {
  /** Which device `preference` gives here, and why, without loading anything. */
  resolveDevice(preference: DevicePreference): Promise<DeviceResolution>;
  /** Loads (or replaces) the detector, Florence-2 and the synonym list. Serialized. */
  load(options: TeacherLoadOptions): Promise<TeacherInfo>;
  info(): Promise<TeacherInfo | null>;
  /**
   * Evidence for each request (one run at a time). `onProgress` must be a Comlink.proxy; transfer the pixel
   * buffers. After cancel() the promise resolves with the finished images and AbortError for the rest.
   */
  evidence(
    requests: EvidenceRequest[],
    settings: TeacherSettings,
    onProgress?: (progress: EvidenceProgress) => void,
  ): Promise<EvidenceOutcome[]>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  cancel(): Promise<void>;
  /** Loads a transformers.js text-generation model for the critic's in-tab engine. */
  loadTextModel(modelId: string, preference: DevicePreference): Promise<{ modelId: string; device: string }>;
  /** One chat completion with the loaded text model; the raw pipeline output (the engine parses it). */
  generateText(messages: ChatMessage[], options: TextGenerationOptions): Promise<unknown>;
  unload(): Promise<void>;
}
