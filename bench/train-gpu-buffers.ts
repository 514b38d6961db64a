/**
 * What ORT holds on the GPU, measured from the outside: `GPUDevice.prototype.createBuffer` and
 * `GPUBuffer.prototype.destroy` are wrapped before ORT creates its device, and the sizes of buffers created and
 * not yet destroyed are summed. ORT keeps released buffers in its own cache for reuse, so the figure includes
 * that cache: it is what the tab takes from the GPU. Buffers dropped without destroy() would stay counted
 * (ORT destroys its buffers). Without WebGPU (no GPUDevice) every figure stays 0.
 */

interface BufferDescriptor {
  size: number;
}

interface WebGpuGlobals {
  GPUDevice?: { prototype: { createBuffer(descriptor: BufferDescriptor): object } };
  GPUBuffer?: { prototype: { destroy(): void } };
}

interface MinimalGpu {
  requestAdapter(): Promise<{
    info: { vendor: string; architecture: string; description: string };
    features: ReadonlySet<string>;
  } | null>;
}

export interface AdapterReport {
  description: string;
  features: string[];
  shaderF16: boolean;
}

export interface GpuBufferTracker {
  /** Bytes of buffers alive now. */
  live(): number;
  /** The most alive at once since the last resetPeak(). */
  peak(): number;
  resetPeak(): void;
  /** The adapter WebGPU offers this page (null without one). */
  adapter(): Promise<AdapterReport | null>;
}

export function trackGpuBuffers(): GpuBufferTracker {
  const webgpu = globalThis as unknown as WebGpuGlobals;
  const sizes = new WeakMap<object, number>();
  let live = 0;
  let peak = 0;
  if (webgpu.GPUDevice && webgpu.GPUBuffer) {
    const create = webgpu.GPUDevice.prototype.createBuffer;
    webgpu.GPUDevice.prototype.createBuffer = function (this: unknown, descriptor: BufferDescriptor) {
      const buffer = create.call(this, descriptor);
      sizes.set(buffer, descriptor.size);
      live += descriptor.size;
      peak = Math.max(peak, live);
      return buffer;
    };
    const destroy = webgpu.GPUBuffer.prototype.destroy;
    webgpu.GPUBuffer.prototype.destroy = function (this: object) {
      const size = sizes.get(this);
      if (size !== undefined) {
        live -= size;
        sizes.delete(this);
      }
      destroy.call(this);
    };
  }
  return {
    live: () => live,
    peak: () => peak,
    resetPeak: () => void (peak = live),
    async adapter() {
      const adapter = await (navigator as Navigator & { gpu?: MinimalGpu }).gpu?.requestAdapter();
      if (!adapter) return null;
      const { vendor, architecture, description } = adapter.info;
      const features = [...adapter.features].sort();
      return {
        description: [vendor, architecture, description].filter(Boolean).join(' '),
        features,
        shaderF16: features.includes('shader-f16'),
      };
    },
  };
}
