/**
 * GPU work counted from the outside, per training step: compute dispatches
 * (`GPUComputePassEncoder.dispatchWorkgroups` and its indirect form), buffer-to-buffer copies and queue writes
 * (uploads). The prototypes are wrapped before ORT creates its device, so every call ORT makes is seen. This is
 * what the profile's kernel count cannot tell: a kernel that only aliases its input (Reshape on ORT's WebGPU EP)
 * dispatches nothing, and one kernel may dispatch several shaders. Without WebGPU every count stays 0.
 */

type Method = (...args: unknown[]) => unknown;

interface Prototyped {
  prototype: Record<string, unknown>;
}

export interface GpuCallCounts {
  dispatches: number;
  copies: number;
  writes: number;
}

export interface GpuCallCounter {
  /** Counts since the start (subtract two readings for a stretch of work). */
  read(): GpuCallCounts;
}

function wrap(owner: Prototyped | undefined, name: string, count: () => void): void {
  const original = owner?.prototype[name] as Method | undefined;
  if (!owner || typeof original !== 'function') return;
  owner.prototype[name] = function (this: unknown, ...args: unknown[]) {
    count();
    return original.apply(this, args);
  };
}

export function countGpuCalls(): GpuCallCounter {
  const webgpu = globalThis as unknown as Record<string, Prototyped | undefined>;
  const counts: GpuCallCounts = { dispatches: 0, copies: 0, writes: 0 };
  wrap(webgpu['GPUComputePassEncoder'], 'dispatchWorkgroups', () => counts.dispatches++);
  wrap(webgpu['GPUComputePassEncoder'], 'dispatchWorkgroupsIndirect', () => counts.dispatches++);
  wrap(webgpu['GPUCommandEncoder'], 'copyBufferToBuffer', () => counts.copies++);
  wrap(webgpu['GPUQueue'], 'writeBuffer', () => counts.writes++);
  return { read: () => ({ ...counts }) };
}
