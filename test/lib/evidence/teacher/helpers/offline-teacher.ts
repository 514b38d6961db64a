/**
 * The teacher of a fresh clone with no network, in Node: the files the app serves come from public/ (the
 * committed FastestDet, the tiny random models), nothing from the hub, so the default Florence-2
 * (onnx-community/Florence-2-base-ft, not committed) is not there. `florenceLoads` counts the loads tried.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { MemoryTeacherCache } from '../../../../../src/lib/evidence/teacher/cache';
import { loadTransformersFlorence } from '../../../../../src/lib/evidence/teacher/florence-transformers';
import type { TeacherPlatform } from '../../../../../src/lib/evidence/teacher/platform';
import { MODELS_DIR, useLocalModels } from '../../../../models/local-models';
import { REPO_DIR } from '../../../../support/fixtures';
import { ortTensor } from '../../helpers/real-data';

/** What a page at this origin would fetch: the path under public/, as vite serves it. */
export const APP_ORIGIN = 'http://localhost:5173';

export function offlineTeacherPlatform(): TeacherPlatform & { florenceLoads: string[] } {
  useLocalModels();
  const florenceLoads: string[] = [];
  return {
    florenceLoads,
    gpu: () => null,
    shaderF16: async () => false,
    // The hub cannot be reached: a file exists only where the app serves it.
    modelFileExists: async (modelId, path) => existsSync(join(MODELS_DIR, modelId, path)),
    fetchBytes: async (url) => {
      const { origin, pathname } = new URL(url);
      if (origin !== APP_ORIGIN) throw new TypeError(`Failed to fetch ${url} (offline)`);
      return new Uint8Array(readFileSync(join(REPO_DIR, 'public', decodeURIComponent(pathname))));
    },
    loadFlorence: (modelId, _device, dtypes) => {
      florenceLoads.push(modelId);
      return loadTransformersFlorence(modelId, { device: 'cpu', dtypes });
    },
    createSession: (bytes) => ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] }),
    tensor: ortTensor,
    cache: new MemoryTeacherCache(),
  };
}
