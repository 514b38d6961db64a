/**
 * The teacher in Node: onnxruntime-node sessions (CPU EP), transformers.js reading public/models/ (no hub),
 * FastestDet from public/models/fastestdet by file:// URL, and an in-memory cache. The same TeacherService the worker runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ort from 'onnxruntime-node';
import type { TeacherCache } from '../../../../../src/lib/evidence/teacher/cache';
import { MemoryTeacherCache } from '../../../../../src/lib/evidence/teacher/cache';
import { loadTransformersFlorence } from '../../../../../src/lib/evidence/teacher/florence-transformers';
import type { TeacherPlatform } from '../../../../../src/lib/evidence/teacher/platform';
import type { TeacherLoadOptions } from '../../../../../src/lib/evidence/teacher/types';
import { MODELS_DIR, useLocalModels } from '../../../../models/local-models';
import { FASTESTDET_DIR } from '../../../../support/fixtures';
import { ortTensor } from '../../helpers/real-data';

export const TINY_FLORENCE = 'tiny-random/florence-2';

export function nodeTeacherPlatform(cache: TeacherCache = new MemoryTeacherCache()): TeacherPlatform {
  useLocalModels();
  return {
    gpu: () => null,
    shaderF16: async () => false,
    modelFileExists: async (modelId, path) => existsSync(join(MODELS_DIR, modelId, path)),
    fetchBytes: async (url) => new Uint8Array(readFileSync(fileURLToPath(url))),
    loadFlorence: (modelId, _device, dtypes) => loadTransformersFlorence(modelId, { device: 'cpu', dtypes }),
    createSession: (bytes) => ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] }),
    tensor: ortTensor,
    cache,
  };
}

export function nodeLoadOptions(florenceModelId: string | null = TINY_FLORENCE): TeacherLoadOptions {
  return {
    florenceModelId,
    device: 'wasm',
    detector: {
      modelUrl: pathToFileURL(join(FASTESTDET_DIR, 'FastestDet.onnx')).href,
      namesUrl: pathToFileURL(join(FASTESTDET_DIR, 'coco.names')).href,
    },
  };
}
