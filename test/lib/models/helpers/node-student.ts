import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelFiles } from '../../../../src/lib/models/sources';
import { folderFiles } from '../../../../src/lib/models/sources';
import type { LoadedStudent } from '../../../../src/lib/models/student/load';
import { loadStudent } from '../../../../src/lib/models/student/load';
import { tensorFactoryFrom } from '../../../../src/lib/models/student/session';

/** The committed tiny student (Xenova layout, random weights), relative to the repo root. */
export const TINY_MODEL_ID = 'tiny-random/vit-gpt2';
export const MODELS_DIR = 'public/models';

export type NodeExecutionProvider = 'cpu' | 'webgpu';

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
 * DESIGN.md decision 10). Outputs come back to the host, as the WASM path in the browser.
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
