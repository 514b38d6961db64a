/**
 * The teacher worker: FastestDet and Florence-2 (and the critic's optional in-tab text model) on this worker's
 * own device, WebGPU with a WASM fallback. A thin Comlink adapter: all behaviour is in
 * src/lib/evidence/teacher (TeacherService), which Node tests drive directly.
 */
import * as Comlink from 'comlink';
import { TeacherService } from '../src/lib/evidence/teacher/teacher-service';
import type { TeacherWorkerApi } from '../src/lib/evidence/teacher/worker-api';
import { webTeacherPlatform } from './teacher/web-platform';

const api: TeacherWorkerApi = new TeacherService(webTeacherPlatform(self.location.origin));
Comlink.expose(api);
