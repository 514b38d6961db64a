/**
 * The student worker's two halves on onnxruntime-node: a StudentService (captioning) and a TuningService
 * (training) over one platform, as workers/student.worker.ts puts them together over onnxruntime-web.
 * 'webgpu' runs ORT's native WebGPU EP where a Vulkan driver is configured (SwiftShader here), else the CPU EP.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { StudentPlatform } from '../../../../src/lib/caption/student-service';
import { StudentService } from '../../../../src/lib/caption/student-service';
import type { StudentDevice } from '../../../../src/lib/caption/types';
import { TuningService } from '../../../../src/lib/train/service';
import type { TrainRequest } from '../../../../src/lib/train/worker-api';
import { WEBGPU_CONFIGURED } from '../graph/helpers/backends';
import { nodeTensors, openDiskModel } from '../../caption/helpers/node-student';
import { PAIRS } from '../graph/helpers/student';
import { PHOTOS_DIR, photoRequests } from '../../caption/helpers/photos';

export { TINY_MODEL_ID as TINY_ID } from '../../caption/helpers/node-student';

/** The EP a StudentDevice runs on in Node. */
export function nodeEp(device: StudentDevice): 'webgpu' | 'cpu' {
  return device === 'webgpu' && WEBGPU_CONFIGURED ? 'webgpu' : 'cpu';
}

export function nodeStudentPlatform(): StudentPlatform {
  return {
    gpu: () => ({ requestAdapter: async () => ({}) }),
    openModel: openDiskModel,
    createSession: (bytes, _role, device) =>
      ort.InferenceSession.create(bytes, { executionProviders: [nodeEp(device)] }),
    tensors: nodeTensors,
  };
}

export function nodeWorker(): { student: StudentService; tuning: TuningService } {
  const platform = nodeStudentPlatform();
  const student = new StudentService(platform);
  const tuning = new TuningService({
    openModel: platform.openModel,
    createSession: platform.createSession,
    tensors: platform.tensors,
    trainingRuntime: (device) => ({ ort, executionProviders: [nodeEp(device)], placement: 'cpu' }),
    useDecoder: (options, decoder) => student.useDecoder(options, decoder),
  });
  return { student, tuning };
}

/** The 8 photos and captions of the overfitting test, as the page would send them (id = file name). */
export const TRAIN_SAMPLES: TrainRequest['samples'] = PAIRS.map((p) => ({
  imageId: p.image,
  text: p.caption,
  weight: 1,
}));

export async function photosById(ids: readonly string[]) {
  const requests = await photoRequests(ids.map((id) => join(PHOTOS_DIR, id)));
  return requests.map((r, i) => ({ ...r, id: ids[i]! }));
}
