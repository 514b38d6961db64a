/**
 * The student worker as workers/student.worker.ts puts it together (a StudentService and a TuningService on one
 * platform, one Comlink API), on onnxruntime-node, with a fault switch: `loseDevice()` does what a lost GPU
 * device does to the real worker. GPUDevice.lost resolves (the platform tells the StudentService, as
 * workers/student/web-platform.ts does), and every later ONNX Runtime call on the device (a session run or
 * creation, for captioning and for the training graphs) fails with Dawn's wording. The device stays lost for
 * the life of this worker, as ORT Web's does. 'webgpu' runs on the CPU EP here (the EPs are tested elsewhere).
 */
import * as ort from 'onnxruntime-node';
import type { StudentPlatform } from '../../src/lib/caption/student-service';
import { StudentService } from '../../src/lib/caption/student-service';
import type { StudentDevice } from '../../src/lib/caption/types';
import type { OrtModule } from '../../src/lib/train/graph/runtime';
import { TuningService } from '../../src/lib/train/service';
import type { StudentWithTrainingApi } from '../../src/lib/train/worker-api';
import { nodeTensors, openDiskModel } from '../lib/caption/helpers/node-student';

export interface LosableWorkerOptions {
  /** Whether navigator.gpu gives an adapter in this worker (false: WebGPU did not come back). */
  adapter: boolean;
}

export interface LosableStudentWorker {
  readonly api: StudentWithTrainingApi;
  /** Image ids of every caption request this worker got, in order. */
  readonly captionRequests: string[];
  /** Training steps this worker reported (the optimizer steps it ran). */
  readonly trainedSteps: number[];
  /** Session runs on the device so far (encoder, decoder and training graphs). */
  readonly runs: () => number;
  loseDevice(): void;
}

const LOST = 'Device was lost. Reason: destroyed. The device was destroyed (test).';

export function losableStudentWorker(options: LosableWorkerOptions): LosableStudentWorker {
  let lost = false;
  let runs = 0;
  const onDevice = (device: StudentDevice) => device === 'webgpu';

  /** A session whose runs fail once the device is lost (on 'webgpu' only: WASM has no device to lose). */
  const guarded = <S extends { run: (...args: never[]) => Promise<unknown> }>(session: S, gpu: boolean): S =>
    new Proxy(session, {
      get(target, key, receiver) {
        if (key !== 'run') {
          const value: unknown = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
        }
        return async (...args: never[]) => {
          if (gpu && lost) throw new Error(LOST);
          runs++;
          return target.run(...args);
        };
      },
    });

  const platform: StudentPlatform = {
    gpu: () => (options.adapter ? { requestAdapter: async () => ({}) } : null),
    openModel: openDiskModel,
    async createSession(bytes, _role, device) {
      if (onDevice(device) && lost) throw new Error(LOST);
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
      return guarded(session, onDevice(device));
    },
    tensors: nodeTensors,
  };
  const student = new StudentService(platform);

  const trainingOrt = (device: StudentDevice): OrtModule =>
    ({
      Tensor: ort.Tensor,
      InferenceSession: {
        create: async (...args: Parameters<typeof ort.InferenceSession.create>) => {
          if (onDevice(device) && lost) throw new Error(LOST);
          const session = await (
            ort.InferenceSession.create as (...a: unknown[]) => Promise<ort.InferenceSession>
          )(...args);
          return guarded(session, onDevice(device));
        },
      },
    }) as unknown as OrtModule;

  const tuning = new TuningService({
    openModel: platform.openModel,
    createSession: platform.createSession,
    tensors: platform.tensors,
    trainingRuntime: (device) => ({
      ort: trainingOrt(device),
      executionProviders: ['cpu'],
      placement: 'cpu',
    }),
    useDecoder: (o, decoder) => student.useDecoder(o, decoder),
    deviceLost: () => student.lostDevice(),
  });

  const captionRequests: string[] = [];
  const trainedSteps: number[] = [];
  // The same methods as workers/student/training.ts studentWithTraining (which imports onnxruntime-web).
  const api: StudentWithTrainingApi = {
    resolveDevice: (preference) => student.resolveDevice(preference),
    load: (o) => student.load(o),
    info: () => student.info(),
    caption: (requests, settings, onProgress) => {
      captionRequests.push(...requests.map((r) => r.id));
      return student.caption(requests, settings, onProgress);
    },
    pause: () => student.pause(),
    resume: () => student.resume(),
    cancel: () => student.cancel(),
    unload: () => student.unload(),
    train: (request, onEvent, images) =>
      tuning.train(
        request,
        (event) => {
          if (event.kind === 'step') trainedSteps.push(event.step);
          return onEvent(event);
        },
        images,
      ),
    pauseTraining: () => tuning.pauseTraining(),
    resumeTraining: () => tuning.resumeTraining(),
    stopTraining: () => tuning.stopTraining(),
    useWeights: (source, device, checkpoint) => tuning.useWeights(source, device, checkpoint),
    tunedFolder: (source, checkpoint) => tuning.tunedFolder(source, checkpoint),
  };

  return {
    api,
    captionRequests,
    trainedSteps,
    runs: () => runs,
    loseDevice() {
      lost = true;
      student.deviceLost('destroyed: the device was destroyed (test)');
    },
  };
}
