import * as Comlink from 'comlink';
import type { StoreApi } from 'zustand/vanilla';
import type { ChatMessage } from '../../lib/core/text-generation';
import { CHAIR_SYNONYMS } from '../../lib/vocabulary/chair-synonyms';
import type { TeacherWorkerApi } from '../../lib/evidence/teacher/worker-api';
import type { StudioStore } from '../../lib/store';
import type { IngestWorkerApi } from '../../../workers/ingest.worker';
import { isDeviceLost } from '../bridge/errors';
import { errorSummary } from '../../lib/core/errors';
import { WorkerBridge } from '../bridge/worker-bridge';
import type { StudioState } from '../../state/studio-state';
import type { CriticDataPort, TeacherPort } from './ports';
import { toTeacherLoadOptions } from '../../state/slices/teacher-settings';

/** Florence-2 and the detector are expensive to load: the teacher worker stays a long while without work. */
const TEACHER_IDLE_MS = 15 * 60_000;
/** The teacher's input: large enough for 3×3 crops to keep detail (Florence-2 resizes each to 768×768). */
export const TEACHER_MAX_SIDE = 1024;

export function createTeacherPort(
  store: StoreApi<StudioState>,
  origin: string,
  create?: () => Worker,
): { port: TeacherPort; bridge: WorkerBridge<TeacherWorkerApi> } {
  const state = () => store.getState();
  let textModelId: string | null = null;
  const bridge = new WorkerBridge<TeacherWorkerApi>({
    name: 'teacher worker',
    idleMs: TEACHER_IDLE_MS,
    create:
      create ??
      (() =>
        new Worker(new URL('../../../workers/teacher.worker.ts', import.meta.url), {
          type: 'module',
          name: 'teacher',
        })),
    init: async (api) => {
      state().criticTeacherPatch({ status: 'loading', error: null });
      try {
        const info = await api.load(toTeacherLoadOptions(state().critic.settings.teacher, origin));
        state().criticTeacherPatch({
          status: 'ready',
          info,
          device: { device: info.device, reason: info.reason },
        });
      } catch (error) {
        state().criticTeacherPatch({ status: 'error', info: null, error: errorSummary(error) });
        throw error;
      }
    },
    cancel: (api) => api.cancel(),
    onCrash: () => state().criticTeacherPatch({ status: 'idle', info: null }),
    // A lost GPU device stays lost in that worker: the next call loads the teacher in a fresh one.
    retireOn: isDeviceLost,
    onRetire: () => {
      textModelId = null;
      state().criticTeacherPatch({ status: 'idle', info: null });
    },
  });
  const port: TeacherPort = {
    async resolveDevice() {
      const pref = state().critic.settings.teacher.device;
      const device = await bridge.run((api) => api.resolveDevice(pref), { skipInit: true });
      state().criticTeacherPatch({ device });
    },
    evidence: (requests, settings, onProgress, signal) =>
      bridge.run(
        (api) =>
          api.evidence(
            Comlink.transfer(
              requests,
              requests.map((r) => r.image.data.buffer as ArrayBuffer),
            ),
            settings,
            Comlink.proxy(onProgress),
          ),
        { signal },
      ),
    pause: async () => void (await bridge.steer((api) => api.pause())),
    resume: async () => void (await bridge.steer((api) => api.resume())),
    invalidate: () => {
      bridge.invalidate();
      textModelId = null;
      state().criticTeacherPatch({ status: 'idle', info: null, error: null });
    },
    async textModel(modelId) {
      if (textModelId !== modelId) {
        const device = state().critic.settings.teacher.device;
        await bridge.run((api) => api.loadTextModel(modelId, device));
        textModelId = modelId;
      }
      return (messages: ChatMessage[], options) => bridge.run((api) => api.generateText(messages, options));
    },
  };
  return { port, bridge };
}

/**
 * The studio's image database (src/lib/store, opened once by the wiring) and the ingest worker's decoder, for
 * the critic. The critic runs after the studio is ready, so the database is open by then.
 */
export function createCriticDataPort(
  opened: Promise<StudioStore>,
  ingest: WorkerBridge<IngestWorkerApi>,
): CriticDataPort {
  return {
    cache: {
      async get<T>(key: string) {
        return (await opened).cache.get<T>(key);
      },
      put: async (key, value, what) => (await opened).cache.put(key, value, what),
    },
    async pixels(imageId, name) {
      const file = await (await opened).images.getFile(imageId);
      if (file === undefined) throw new Error(`The file of "${name}" is no longer stored; drop it again.`);
      return ingest.run((api) => api.decode(file, name, TEACHER_MAX_SIDE));
    },
    async addTarget(imageId, modelId, text, source, extra) {
      await (await opened).captions.add(imageId, { id: modelId, revision: 'main' }, { text, source, extra });
    },
    synonyms: () => Promise.resolve(CHAIR_SYNONYMS),
  };
}
