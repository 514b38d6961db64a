/**
 * Training in the student worker: a TuningService on the same platform as captioning (the one
 * `onnxruntime-web/webgpu` module, the one GPU device ORT created for the student), exposed beside the
 * StudentService as one Comlink API. Captions after training come from the tuned weights (useWeights replaces
 * the StudentService's decoder sessions). All behaviour is in src/lib/train; this file only wires it.
 */
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/webgpu';
import type { StudentPlatform, StudentService } from '../../src/lib/caption/student-service';
import { TuningService } from '../../src/lib/train/service';
import type { StudentWithTrainingApi } from '../../src/lib/train/worker-api';

export function createTuningService(platform: StudentPlatform, student: StudentService): TuningService {
  return new TuningService({
    openModel: (source) => platform.openModel(source),
    createSession: (bytes, role, device) => platform.createSession(bytes, role, device),
    tensors: platform.tensors,
    ...(platform.decodeImage ? { decodeImage: platform.decodeImage } : {}),
    trainingRuntime: (device) => ({
      ort,
      executionProviders: [device],
      // On WebGPU, params, gradients and moments stay on the device between steps (docs/architecture.md
      // decision 1).
      placement: device === 'webgpu' ? 'gpu-buffer' : 'cpu',
    }),
    useDecoder: (options, decoder) => student.useDecoder(options, decoder),
    deviceLost: () => student.lostDevice(),
    transfer: (value, buffers) => Comlink.transfer(value, buffers),
  });
}

/** One object with the methods of both services, bound (Comlink exposes own and inherited methods alike). */
export function studentWithTraining(student: StudentService, tuning: TuningService): StudentWithTrainingApi {
  return {
    resolveDevice: (preference) => student.resolveDevice(preference),
    load: (options) => student.load(options),
    info: () => student.info(),
    caption: (requests, settings, onProgress) => student.caption(requests, settings, onProgress),
    pause: () => student.pause(),
    resume: () => student.resume(),
    cancel: () => student.cancel(),
    unload: () => student.unload(),
    train: (request, onEvent, images) => tuning.train(request, onEvent, images),
    pauseTraining: () => tuning.pauseTraining(),
    resumeTraining: () => tuning.resumeTraining(),
    stopTraining: () => tuning.stopTraining(),
    useWeights: (source, device, checkpoint) => tuning.useWeights(source, device, checkpoint),
    tunedFolder: (source, checkpoint) => tuning.tunedFolder(source, checkpoint),
  };
}
