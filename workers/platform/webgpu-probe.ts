import type { WebGpuProbe } from '../../src/lib/core/devices';

/** This worker's WebGPU entry point, or null without one (resolveDevice then picks WASM). */
export function webGpuProbe(): WebGpuProbe | null {
  // Read without relying on the WebGPU typings of this TypeScript lib: only requestAdapter matters here.
  const gpu: unknown = Reflect.get(self.navigator, 'gpu');
  const requestAdapter: unknown =
    typeof gpu === 'object' && gpu !== null ? Reflect.get(gpu, 'requestAdapter') : undefined;
  if (typeof requestAdapter !== 'function') return null;
  return { requestAdapter: async (): Promise<unknown> => requestAdapter.call(gpu) };
}
