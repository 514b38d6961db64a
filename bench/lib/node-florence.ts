/**
 * Florence-2 for benches in Node: the teacher's own loader (it says which files are missing) over transformers.js on
 * onnxruntime-node's CPU, reading public/models/<id>/ (where `npm run models:fetch` puts it); never the hub.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { loadFlorenceIfPresent } from '../../src/lib/evidence/teacher/florence-loader';
import type { FlorenceRuntime } from '../../src/lib/evidence/teacher/florence-runtime';
import { loadTransformersFlorence } from '../../src/lib/evidence/teacher/florence-transformers';

const MODELS_DIR = join(import.meta.dirname, '..', '..', 'public', 'models');

export async function nodeFlorence(modelId: string): Promise<FlorenceRuntime> {
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = `${MODELS_DIR}/`;
  return loadFlorenceIfPresent(
    {
      modelFileExists: async (id, path) => existsSync(join(MODELS_DIR, id, path)),
      shaderF16: async () => false,
      loadFlorence: (id, _device, dtypes) => loadTransformersFlorence(id, { device: 'cpu', dtypes }),
    },
    { modelId, device: 'wasm' },
  );
}
