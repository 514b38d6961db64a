/**
 * What training needs from where it runs: the student worker with onnxruntime-web, or Node tests with
 * onnxruntime-node. TuningService takes one.
 */
import type { ModelFiles, ModelSource } from '../core/model-sources';
import type { OwnedSession, SessionRole } from '../caption/load';
import type { TensorFactory } from '../caption/session';
import type { ImageDecoder } from '../caption/student-model';
import type { LoadStudentOptions, StudentDevice, StudentModelInfo } from '../caption/types';
import type { RuntimeOptions } from './graph/runtime';

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
