import * as Comlink from 'comlink';
import type { StoreApi } from 'zustand/vanilla';
import type { StudentWorkerApi } from '../../lib/caption/worker-api';
import type { StudentWithTrainingApi } from '../../lib/train/worker-api';
import type { ModelSource } from '../../lib/core/model-sources';
import type { StudentPort } from '../studio-ports';
import { modelLabel } from '../../state/slices/settings';
import type { StudioState } from '../../state/studio-state';
import { isDeviceLost } from './errors';
import { errorSummary } from '../../lib/core/errors';
import { WorkerBridge } from './worker-bridge';

/**
 * The student worker holds the GPU device and the loaded model (and later the weights being trained):
 * it is kept for a long idle time, and cancel is cooperative (terminating would throw all that away).
 */
const STUDENT_IDLE_MS = 15 * 60_000;

export interface StudentPortDeps {
  store: StoreApi<StudioState>;
  /** The files of a user-picked model folder, by path in the folder. */
  folderFiles: (name: string) => Promise<Record<string, Uint8Array>>;
  create?: () => Worker;
}

export function createStudentPort(deps: StudentPortDeps): {
  port: StudentPort;
  bridge: WorkerBridge<StudentWithTrainingApi>;
} {
  const { store } = deps;

  const load = async (api: Comlink.Remote<StudentWorkerApi>): Promise<void> => {
    const { model, device } = store.getState().settings;
    store.getState().studentLoading();
    try {
      let source: ModelSource;
      if (model.kind === 'id') {
        source = { kind: 'id', modelId: model.modelId };
      } else {
        const files = await deps.folderFiles(model.name);
        source = { kind: 'folder', name: model.name, files };
      }
      const info = await api.load(Comlink.transfer({ source, device, dtype: 'fp32' }, transfersOf(source)));
      store.getState().studentReady(info);
    } catch (error) {
      // A model chosen meanwhile is not the one that failed: its panel must not show the old model's error.
      const now = store.getState().settings;
      if (now.model === model && now.device === device) store.getState().studentFailed(errorSummary(error));
      throw error;
    }
  };

  // The worker also trains (workers/student/training.ts): one bridge, one queue, one GPU device.
  const bridge = new WorkerBridge<StudentWithTrainingApi>({
    name: 'student worker',
    idleMs: STUDENT_IDLE_MS,
    create:
      deps.create ??
      (() =>
        new Worker(new URL('../../../workers/student.worker.ts', import.meta.url), {
          type: 'module',
          name: 'student',
        })),
    init: load,
    cancel: (api) => api.cancel(),
    // The model went with the worker; the badge stays (the next worker resolves the same device).
    onCrash: () => store.getState().studentStale(),
    // A lost GPU device stays lost in that worker: the next caption or training task starts a fresh worker,
    // which loads the model again on a new device (or on WASM when WebGPU does not come back).
    retireOn: isDeviceLost,
    onRetire: () => store.getState().studentStale(),
  });

  const port: StudentPort = {
    async resolveDevice() {
      const { device } = store.getState().settings;
      const resolution = await bridge.run((api) => api.resolveDevice(device), { skipInit: true });
      store.getState().setStudentDevice(resolution);
    },
    caption: (requests, settings, onProgress, signal) =>
      bridge.run(
        (api) =>
          api.caption(
            Comlink.transfer(
              requests,
              requests.map((r) => ('data' in r.image ? r.image.data : r.image.bytes).buffer as ArrayBuffer),
            ),
            settings,
            Comlink.proxy(onProgress),
          ),
        { signal },
      ),
    pause: async () => void (await bridge.steer((api) => api.pause())),
    resume: async () => void (await bridge.steer((api) => api.resume())),
    invalidate: () => bridge.invalidate(),
    modelId: () => store.getState().student.info?.modelId ?? modelLabel(store.getState().settings.model),
  };
  return { port, bridge };
}

function transfersOf(source: ModelSource): ArrayBuffer[] {
  return source.kind === 'folder' ? Object.values(source.files).map((f) => f.buffer as ArrayBuffer) : [];
}
