/**
 * The backends the training tests run on: onnxruntime-node's CPU EP, and its WebGPU EP (the browser's WebGPU
 * kernels, docs/architecture.md decision 10b) where a Vulkan driver is present — SwiftShader here, set up in
 * vitest.config.ts.
 */
import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { RuntimeOptions } from '../../../../../src/lib/train/graph/runtime';

export type Backend = 'cpu' | 'webgpu';

/** WebGPU runs where a Vulkan driver was configured; there, a failure to create a session fails the test. */
export const WEBGPU_CONFIGURED =
  !!process.env.VK_ICD_FILENAMES &&
  existsSync(process.env.VK_ICD_FILENAMES) &&
  process.env.CAPGRAD_NO_WEBGPU !== '1';

export const BACKENDS: Backend[] = WEBGPU_CONFIGURED ? ['cpu', 'webgpu'] : ['cpu'];

export function runtimeFor(backend: Backend): RuntimeOptions {
  return { ort, executionProviders: [backend], placement: 'cpu' };
}

export { ort };
