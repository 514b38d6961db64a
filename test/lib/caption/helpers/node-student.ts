import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { FetchBytes, ModelFiles } from '../../../../src/lib/core/model-sources';
import { folderFiles, openModelSource } from '../../../../src/lib/core/model-sources';
import type { LoadedStudent } from '../../../../src/lib/caption/load';
import { loadStudent } from '../../../../src/lib/caption/load';
import { tensorFactoryFrom } from '../../../../src/lib/caption/session';
import type { ModelSource } from '../../../../src/lib/core/model-sources';

/** The committed tiny student (Xenova layout, random weights), relative to the repo root. */
export const TINY_MODEL_ID = 'tiny-random/vit-gpt2';
export const MODELS_DIR = 'public/models';

export type NodeExecutionProvider = 'cpu' | 'webgpu';

const APP = 'http://app.test/models/';

/** Serves public/models/ from disk the way the app's server does (404 for what is not there). */
const diskFetch: FetchBytes = async (url) => {
  const bytes = await readFile(`${MODELS_DIR}/${url.slice(APP.length)}`).catch(() => null);
  return {
    ok: bytes !== null,
    status: bytes === null ? 404 : 200,
    arrayBuffer: async () => new Uint8Array(bytes ?? []).buffer,
  };
};

/** A StudentPlatform's openModel over public/models/ on disk, as if the app's server served it. */
export function openDiskModel(source: ModelSource): Promise<ModelFiles> {
  return openModelSource(source, { appModelsUrl: APP, fetch: diskFetch });
}

/** Every file of a model folder, as the worker gets a user-picked folder. */
export function modelFolderFiles(dir: string): ModelFiles {
  const files: Record<string, Uint8Array> = {};
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path).split('\\').join('/')] = new Uint8Array(readFileSync(path));
    }
  };
  walk(dir);
  return folderFiles(dir, files);
}

/** ORT's Tensor constructor, narrowed to what our tensor factory passes. */
export const nodeTensors = tensorFactoryFrom(ort.Tensor);

/**
 * The student on onnxruntime-node: CPU EP, or ORT's native WebGPU EP (Dawn on SwiftShader here, see
 * docs/architecture.md decision 10). Outputs come back to the host, as the WASM path in the browser.
 */
export function loadNodeStudent(
  dir: string,
  ep: NodeExecutionProvider,
  options: { splitCrossAttention?: boolean } = {},
): Promise<LoadedStudent> {
  return loadStudent({
    files: modelFolderFiles(dir),
    dtype: 'fp32',
    tensors: nodeTensors,
    createSession: (bytes) => ort.InferenceSession.create(bytes, { executionProviders: [ep] }),
    ...options,
  });
}
