/**
 * A fresh page (no studio, no IndexedDB) that captions images with transformers.js's own image-to-text pipeline,
 * in a worker (transformers-check.worker.ts), from a model folder served under /exported/<id>/ — the unzipped
 * export. Driven by e2e/training.spec.ts through a vite dev server; the test routes /exported/ and /photos/ to the zip's files and the photos.
 */
import * as Comlink from 'comlink';
import type { CheckWorkerApi } from './transformers-check.worker';

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

const worker = Comlink.wrap<CheckWorkerApi>(
  new Worker(new URL('./transformers-check.worker.ts', import.meta.url), { type: 'module' }),
);
window.captionWithTransformers = (request) => worker.caption(request);
document.getElementById('status')!.textContent = 'ready';
