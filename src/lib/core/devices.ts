import { DeviceUnavailableError, InvalidChoiceError } from './errors';

/** What the user asked for. 'auto' = WebGPU when `navigator.gpu.requestAdapter()` gives an adapter, else WASM. */
export type DevicePreference = 'auto' | 'webgpu' | 'wasm';
/** What actually runs. */
export type ComputeDevice = 'webgpu' | 'wasm';

/** How the device was chosen, for the UI's badge. */
export interface DeviceResolution {
  device: ComputeDevice;
  /** e.g. 'WebGPU adapter found', 'no WebGPU adapter', 'WebGPU disabled in settings'. */
  reason: string;
}

/** Weight variants of a transformers.js model folder (file suffixes under onnx/). */
export const MODEL_DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
export type ModelDtype = (typeof MODEL_DTYPES)[number];

export const DEVICE_PREFERENCES: readonly DevicePreference[] = ['auto', 'webgpu', 'wasm'];

/** File-name suffix of each dtype under onnx/ (as transformers.js names them). */
export const DTYPE_FILE_SUFFIX: Readonly<Record<ModelDtype, string>> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/** What the platform says about WebGPU; `null` when `navigator.gpu` does not exist. */
export interface WebGpuProbe {
  requestAdapter(): Promise<unknown>;
}

/**
 * Resolves the device once, at the edge. 'auto' falls back to WASM with the reason; 'webgpu' without an
 * adapter is an error (the user asked for it explicitly); 'wasm' is taken as WebGPU turned off in settings.
 */
export async function resolveDevice(preference: string, gpu: WebGpuProbe | null): Promise<DeviceResolution> {
  if (!(DEVICE_PREFERENCES as readonly string[]).includes(preference)) {
    throw new InvalidChoiceError(
      `unknown device '${preference}': valid choices are ${DEVICE_PREFERENCES.join(', ')}`,
    );
  }
  if (preference === 'wasm') return { device: 'wasm', reason: 'WebGPU disabled in settings' };
  const missing = await webGpuMissing(gpu);
  if (missing === null) return { device: 'webgpu', reason: 'WebGPU adapter found' };
  if (preference === 'webgpu') {
    throw new DeviceUnavailableError(`WebGPU was asked for, but ${missing}; choose 'auto' or 'wasm'`);
  }
  return { device: 'wasm', reason: missing };
}

async function webGpuMissing(gpu: WebGpuProbe | null): Promise<string | null> {
  if (gpu === null) return 'WebGPU not available in this browser';
  try {
    return (await gpu.requestAdapter()) === null ? 'no WebGPU adapter' : null;
  } catch {
    return 'no WebGPU adapter (requestAdapter failed)';
  }
}

export function resolveDtype(dtype: string | undefined): ModelDtype {
  const value = dtype ?? 'fp32';
  const known = MODEL_DTYPES.find((d) => d === value);
  if (known === undefined) {
    throw new InvalidChoiceError(`unknown dtype '${value}': valid choices are ${MODEL_DTYPES.join(', ')}`);
  }
  return known;
}

export function onnxFilePath(baseName: string, dtype: ModelDtype): string {
  return `onnx/${baseName}${DTYPE_FILE_SUFFIX[dtype]}.onnx`;
}
