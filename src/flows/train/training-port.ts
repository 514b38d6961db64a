import * as Comlink from 'comlink';
import type { StoreApi } from 'zustand/vanilla';
import type { ModelSource } from '../../lib/core/model-sources';
import type { StudentDevice } from '../../lib/caption/types';
import type { StudentWithTrainingApi } from '../../lib/train/worker-api';
import type { WorkerBridge } from '../bridge/worker-bridge';
import type { StudioState } from '../../state/studio-state';
import type { TrainingPort } from './ports';

/**
 * Training through the student worker's bridge: train is a queued task like a caption run (one at a time,
 * the student loaded first by the bridge's init); pause, resume and stop reach it outside the queue.
 * The model and device are the student's as loaded (its settings).
 */
export function createTrainingPort(deps: {
  store: StoreApi<StudioState>;
  bridge: WorkerBridge<StudentWithTrainingApi>;
  folderFiles: (name: string) => Promise<Record<string, Uint8Array>>;
}): TrainingPort {
  const { store, bridge } = deps;
  const source = async (): Promise<ModelSource> => {
    const { model } = store.getState().settings;
    return model.kind === 'id'
      ? { kind: 'id', modelId: model.modelId }
      : { kind: 'folder', name: model.name, files: await deps.folderFiles(model.name) };
  };
  const device = (): StudentDevice => {
    const s = store.getState().student;
    return s.info?.device ?? s.device?.device ?? 'wasm';
  };
  return {
    train: (request, onEvent, images) =>
      bridge.run(async (api) => {
        const full = { ...request, source: await source(), device: device() };
        const buffers = request.start ? [request.start.bytes.buffer as ArrayBuffer] : [];
        return api.train(
          Comlink.transfer(full, buffers),
          Comlink.proxy(onEvent),
          Comlink.proxy(async (ids) => {
            const requests = await images(ids);
            const transfers = requests.map(
              (r) => ('data' in r.image ? r.image.data : r.image.bytes).buffer as ArrayBuffer,
            );
            return Comlink.transfer(requests, transfers);
          }),
        );
      }),
    pause: async () => void (await bridge.steer((api) => api.pauseTraining())),
    resume: async () => void (await bridge.steer((api) => api.resumeTraining())),
    stop: async () => void (await bridge.steer((api) => api.stopTraining())),
    useWeights: (checkpoint) =>
      bridge.run(async (api) =>
        api.useWeights(
          await source(),
          device(),
          checkpoint ? Comlink.transfer(checkpoint, [checkpoint.bytes.buffer as ArrayBuffer]) : null,
        ),
      ),
    tunedFolder: (checkpoint) => bridge.run(async (api) => api.tunedFolder(await source(), checkpoint)),
  };
}
