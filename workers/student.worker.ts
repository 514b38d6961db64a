/**
 * The student worker: captioning now, training later, on one GPU device that only this worker holds
 * (GPU buffers cannot cross workers; terminating the worker loses the device and the weights on it).
 * A thin Comlink adapter: all behaviour is in src/lib/caption (StudentService), which Node tests
 * drive directly. Errors cross as name / message / stack (Comlink's default for Error).
 */
import * as Comlink from 'comlink';
import { StudentService } from '../src/lib/caption/student-service';
import type { StudentWorkerApi } from '../src/lib/caption/worker-api';
import type { TrainingWorkerApi } from '../src/lib/train/worker-api';
import { configureOrt, webStudentPlatform } from './student/web-platform';
import { createTuningService, studentWithTraining } from './student/training';

configureOrt(self.location.origin);

let service: StudentService | null = null;
const platform = webStudentPlatform(self.location.origin, {
  onDeviceLost: (reason) => service?.deviceLost(reason),
});
service = new StudentService(platform);

// Training shares the platform, the ORT module and the GPU device (workers/student/training.ts).
const api: StudentWorkerApi & TrainingWorkerApi = studentWithTraining(
  service,
  createTuningService(platform, service),
);
Comlink.expose(api);
