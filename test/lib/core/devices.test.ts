import { describe, expect, it } from 'vitest';
import { onnxFilePath, resolveDevice, resolveDtype } from '../../../src/lib/core/devices';

const adapter = { requestAdapter: async () => ({}) };
const noAdapter = { requestAdapter: async () => null };
const failing = { requestAdapter: async () => Promise.reject(new Error('boom')) };

describe('resolveDevice', () => {
  it.each([
    ['auto', adapter, { device: 'webgpu', reason: 'WebGPU adapter found' }],
    ['auto', noAdapter, { device: 'wasm', reason: 'no WebGPU adapter' }],
    ['auto', failing, { device: 'wasm', reason: 'no WebGPU adapter (requestAdapter failed)' }],
    ['auto', null, { device: 'wasm', reason: 'WebGPU not available in this browser' }],
    ['webgpu', adapter, { device: 'webgpu', reason: 'WebGPU adapter found' }],
    ['wasm', adapter, { device: 'wasm', reason: 'WebGPU disabled in settings' }],
  ] as const)('%s with %o gives %o', async (preference, gpu, expected) => {
    expect(await resolveDevice(preference, gpu)).toEqual(expected);
  });

  it('fails loudly when WebGPU was asked for and there is none', async () => {
    await expect(resolveDevice('webgpu', noAdapter)).rejects.toMatchObject({
      name: 'DeviceUnavailableError',
      message: "WebGPU was asked for, but no WebGPU adapter; choose 'auto' or 'wasm'",
    });
  });

  it('lists the valid choices for an unknown device', async () => {
    await expect(resolveDevice('cuda', adapter)).rejects.toMatchObject({
      name: 'InvalidChoiceError',
      message: "unknown device 'cuda': valid choices are auto, webgpu, wasm",
    });
  });
});

describe('resolveDtype', () => {
  it('defaults to fp32 and maps dtypes to transformers.js file names', () => {
    expect(resolveDtype(undefined)).toBe('fp32');
    expect(onnxFilePath('encoder_model', 'fp32')).toBe('onnx/encoder_model.onnx');
    expect(onnxFilePath('decoder_model_merged', resolveDtype('q8'))).toBe(
      'onnx/decoder_model_merged_quantized.onnx',
    );
    expect(onnxFilePath('decoder_model_merged', resolveDtype('q4f16'))).toBe(
      'onnx/decoder_model_merged_q4f16.onnx',
    );
  });

  it('lists the valid choices for an unknown dtype', () => {
    expect(() => resolveDtype('fp64')).toThrow(
      "unknown dtype 'fp64': valid choices are fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4",
    );
  });
});
