import * as ort from 'onnxruntime-web/webgpu';
import { ImageInputError } from '../../src/lib/core/errors';
import type { SourceEnvironment } from '../../src/lib/core/model-sources';
import { openModelSource } from '../../src/lib/core/model-sources';
import type { OwnedSession, SessionRole } from '../../src/lib/caption/load';
import { tensorFactoryFrom } from '../../src/lib/caption/session';
import type { StudentPlatform } from '../../src/lib/caption/student-service';
import type { EncodedImage, PixelImage, StudentDevice } from '../../src/lib/caption/types';
import { webGpuProbe } from '../platform/webgpu-probe';

/**
 * Where the app serves ONNX Runtime's WASM files (vite.config.ts, ORT_PUBLIC_PATH). transformers.js would
 * point them at a CDN; the studio serves its own, so it works offline and with one pinned version.
 */
const ORT_PATH = '/ort/';
/** Where the app serves public/models/ (vite serves public/ at the root). */
const MODELS_PATH = '/models/';

/**
 * ONNX Runtime for this worker: the `onnxruntime-web/webgpu` module instance transformers.js also
 * imports (one runtime), pointed at the app's own WASM files. Call once, before any session exists.
 */
export function configureOrt(origin: string): void {
  ort.env.wasm.wasmPaths = {
    mjs: `${origin}${ORT_PATH}ort-wasm-simd-threaded.asyncify.mjs`,
    wasm: `${origin}${ORT_PATH}ort-wasm-simd-threaded.asyncify.wasm`,
  };
  // Sessions run in this worker already; ORT's own proxy worker would add a second hop.
  ort.env.wasm.proxy = false;
  // Every core for the WASM EP's kernels (ORT's default is half of them, at most 4). The student's worker and the
  // teacher's (which calls this too) exist to run their models, and a round runs their stages one after the
  // other; the page stays responsive without them. Threads need cross-origin isolation (vite.config.ts).
  ort.env.wasm.numThreads = Math.max(1, navigator.hardwareConcurrency || 1);
  ort.env.logLevel = 'warning';
}

export interface WebPlatformHooks {
  /** GPUDevice.lost resolved: the device and everything on it is gone. */
  onDeviceLost(reason: string): void;
}

export function webStudentPlatform(origin: string, hooks: WebPlatformHooks): StudentPlatform {
  const environment: SourceEnvironment = {
    appModelsUrl: `${origin}${MODELS_PATH}`,
    fetch: (url) => fetch(url),
  };
  // Two WebGPU sessions created at once throw (docs/architecture.md decision 6): one creation at a time.
  let creating: Promise<unknown> = Promise.resolve();
  let watchingDevice = false;

  const createSession = async (
    bytes: Uint8Array,
    _role: SessionRole,
    device: StudentDevice,
  ): Promise<OwnedSession> => {
    const options: ort.InferenceSession.SessionOptions =
      device === 'webgpu'
        ? // Keep the encoder output and the KV cache on the GPU between decoder runs; logits are downloaded.
          { executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' }
        : { executionProviders: ['wasm'] };
    const next = creating.then(() => ort.InferenceSession.create(bytes, options));
    creating = next.catch(() => undefined);
    const session = await next;
    if (device === 'webgpu' && !watchingDevice) {
      watchingDevice = true;
      void watchDevice(hooks);
    }
    return session;
  };

  return {
    gpu: () => webGpuProbe(),
    openModel: (source) => openModelSource(source, environment),
    createSession,
    tensors: tensorFactoryFrom(ort.Tensor),
    decodeImage,
  };
}

/** ORT creates the GPUDevice on its first WebGPU session and exposes it; report when it is lost. */
export async function watchDevice(hooks: WebPlatformHooks): Promise<void> {
  const device: unknown = await ort.env.webgpu.device;
  const lost: unknown =
    typeof device === 'object' && device !== null ? Reflect.get(device, 'lost') : undefined;
  if (!(lost instanceof Promise)) return;
  const info: unknown = await lost;
  const field = (name: string): string =>
    typeof info === 'object' && info !== null ? String(Reflect.get(info, name) ?? '') : '';
  hooks.onDeviceLost(`${field('reason') || 'unknown'}: ${field('message') || 'no message'}`);
}

/** File bytes to RGBA pixels, in the worker (createImageBitmap + OffscreenCanvas). */
async function decodeImage(image: EncodedImage): Promise<PixelImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(
      new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: image.mimeType }),
    );
  } catch (error) {
    throw new ImageInputError(`could not decode the ${image.mimeType} image`, { cause: error });
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (context === null) throw new ImageInputError('no 2D canvas in this worker to read pixels');
    context.drawImage(bitmap, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width, height, channels: 4, data };
  } finally {
    bitmap.close();
  }
}
