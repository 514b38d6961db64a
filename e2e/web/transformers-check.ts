/**
 * A fresh page (no studio, no IndexedDB) that captions images with transformers.js's own image-to-text pipeline
 * from a model folder served under /exported/<id>/ — the unzipped export. Driven by e2e/training.spec.ts through
 * a vite dev server; the test routes /exported/ and /photos/ to the zip's files and the photos.
 */
import { env, pipeline } from '@huggingface/transformers';

export interface CheckRequest {
  modelId: string;
  device: 'webgpu' | 'wasm';
  images: string[];
  maxNewTokens: number;
}

declare global {
  interface Window {
    captionWithTransformers?: (request: CheckRequest) => Promise<string[]>;
  }
}

env.allowRemoteModels = false;
env.allowLocalModels = true; // false by default in browsers
env.localModelPath = `${location.origin}/exported/`;
const wasm = env.backends.onnx.wasm;
if (wasm) {
  wasm.wasmPaths = {
    mjs: `${location.origin}/ort/ort-wasm-simd-threaded.asyncify.mjs`,
    wasm: `${location.origin}/ort/ort-wasm-simd-threaded.asyncify.wasm`,
  };
}

window.captionWithTransformers = async ({ modelId, device, images, maxNewTokens }) => {
  const captioner = await pipeline('image-to-text', modelId, { device, dtype: 'fp32' });
  const out: string[] = [];
  for (const name of images) {
    const result = (await captioner(`${location.origin}/photos/${encodeURIComponent(name)}`, {
      max_new_tokens: maxNewTokens,
    })) as { generated_text: string }[];
    out.push(result[0]!.generated_text.trim());
  }
  await captioner.dispose();
  return out;
};
document.getElementById('status')!.textContent = 'ready';
