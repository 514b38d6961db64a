/**
 * What the teacher needs from where it runs (the browser worker passes onnxruntime-web and fetch, Node tests
 * pass onnxruntime-node and the file system): devices, model files, sessions, Florence-2, the cache.
 */
import type { TextGenerationFn } from '../../core/text-generation';
import type { WebGpuProbe } from '../../core/devices';
import type { Float32TensorFactory, SessionLike } from '../fastestdet/session';
import type { TeacherCache } from './cache';
import type { FlorenceRuntime } from './florence-runtime';
import type { FlorenceDtypes, TeacherDevice } from './types';

export interface TeacherPlatform {
  gpu(): WebGpuProbe | null;
  /** Whether the WebGPU adapter offers `shader-f16`. */
  shaderF16(): Promise<boolean>;
  /** Whether `path` exists in the model's folder (the app's public/models first, then the hub). */
  modelFileExists(modelId: string, path: string): Promise<boolean>;
  fetchBytes(url: string): Promise<Uint8Array>;
  loadFlorence(modelId: string, device: TeacherDevice, dtypes: FlorenceDtypes): Promise<FlorenceRuntime>;
  createSession(
    bytes: Uint8Array,
    device: TeacherDevice,
  ): Promise<SessionLike & { release?(): Promise<void> }>;
  tensor: Float32TensorFactory;
  cache: TeacherCache;
  loadTextGeneration?(modelId: string, device: TeacherDevice): Promise<TextGenerationFn>;
  /** Why this worker's GPU device was lost (GPUDevice.lost resolved), or null while it is fine. */
  deviceLost?(): string | null;
}
