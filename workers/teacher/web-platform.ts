import { env, pipeline } from '@huggingface/transformers';
import * as ort from 'onnxruntime-web/webgpu';
import { loadTransformersFlorence } from '../../src/lib/evidence/teacher/florence-transformers';
import type { TeacherPlatform } from '../../src/lib/evidence/teacher/platform';
import { ContentCache, idbKeyvalBackend } from '../../src/lib/store';
import { configureOrt, watchDevice } from '../student/web-platform';
import { webGpuProbe } from '../platform/webgpu-probe';

/** Where the app serves public/models/ (vite serves public/ at the root; vite.config.ts adds the detector). */
const MODELS_PATH = '/models/';
const HUB = 'https://huggingface.co/';

/**
 * The browser side of the teacher: onnxruntime-web/webgpu (the one runtime transformers.js also uses, with the
 * app's own WASM files), transformers.js reading the app's public/models/ before the hub, and the studio's
 * content-addressed cache in IndexedDB (the same `capgrad-cache` database the page uses).
 */
export function webTeacherPlatform(origin: string): TeacherPlatform {
  configureOrt(origin);
  env.allowLocalModels = true; // false by default in browsers (docs/architecture.md decision 6)
  // A path, not a URL: transformers.js checks the local folder only for paths that are not http(s) URLs
  // (get_file_metadata tests the joined local path), so a full URL here skips the app's own files.
  env.localModelPath = MODELS_PATH;
  let creating: Promise<unknown> = Promise.resolve();
  // GPUDevice.lost, once ORT (ours or transformers.js's: one module) has created the device.
  let lostReason: string | null = null;
  let watching = false;
  const watchOnce = (device: string): void => {
    if (device !== 'webgpu' || watching) return;
    watching = true;
    void watchDevice({ onDeviceLost: (reason) => void (lostReason = reason) });
  };

  const exists = async (url: string): Promise<boolean> => {
    try {
      return (await fetch(url, { method: 'HEAD' })).ok;
    } catch {
      return false;
    }
  };

  return {
    gpu: () => webGpuProbe(),
    async shaderF16() {
      const adapter = (await webGpuProbe()?.requestAdapter()) as {
        features?: { has(f: string): boolean };
      } | null;
      return adapter?.features?.has('shader-f16') === true;
    },
    async modelFileExists(modelId, path) {
      if (await exists(`${origin}${MODELS_PATH}${modelId}/${path}`)) return true;
      if (await exists(`${origin}${MODELS_PATH}${modelId}/config.json`)) return false; // served here: no hub
      return exists(`${HUB}${modelId}/resolve/main/${path}`);
    },
    async fetchBytes(url) {
      const response = await fetch(new URL(url, origin).href);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
    async loadFlorence(modelId, device, dtypes) {
      // A model the app serves is read from the app only: transformers.js would otherwise ask the hub for
      // every optional file the folder lacks, and fail offline (TypeError: Failed to fetch).
      const local = await exists(`${origin}${MODELS_PATH}${modelId}/config.json`);
      env.allowRemoteModels = !local;
      const florence = await loadTransformersFlorence(modelId, { device, dtypes });
      watchOnce(device);
      return florence;
    },
    async createSession(bytes, device) {
      // Two WebGPU sessions created at once throw (docs/architecture.md decision 6): one creation at a time.
      const next = creating.then(() =>
        ort.InferenceSession.create(bytes, { executionProviders: [device === 'webgpu' ? 'webgpu' : 'wasm'] }),
      );
      creating = next.catch(() => undefined);
      const session = await next;
      watchOnce(device);
      return session;
    },
    tensor: (data, dims) => new ort.Tensor('float32', data, [...dims]),
    cache: new ContentCache(idbKeyvalBackend('capgrad')('cache')),
    async loadTextGeneration(modelId, device) {
      env.allowRemoteModels = !(await exists(`${origin}${MODELS_PATH}${modelId}/config.json`));
      const generator = await pipeline('text-generation', modelId, { device });
      return (messages, options) => generator(messages as never, options);
    },
    deviceLost: () => lostReason,
  };
}
