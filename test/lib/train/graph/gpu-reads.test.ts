/**
 * Reading trainer tensors back (src/lib/train/graph/gpu-reads.ts): a CPU tensor through its data, and a gpu-buffer
 * output of onnxruntime-node's WebGPU EP (SwiftShader here) through the copy session, since its own getData()
 * aborts the process.
 */
import { describe, expect, it } from 'vitest';
import { copyModel, gpuReader } from '../../../../src/lib/train/graph/gpu-reads';
import { createSession, type RuntimeOptions } from '../../../../src/lib/train/graph/runtime';
import { ort, WEBGPU_CONFIGURED } from './helpers/backends';

describe('gpuReader', () => {
  it('reads a CPU tensor through its data', async () => {
    const reader = gpuReader({ ort, executionProviders: ['cpu'], placement: 'cpu' });
    const values = await reader.read(new ort.Tensor('float32', new Float32Array([1, 2, 3]), [3]));
    expect(Array.from(values)).toEqual([1, 2, 3]);
    await reader.release();
  });

  it.runIf(WEBGPU_CONFIGURED)(
    'reads a gpu-buffer output of onnxruntime-node through a copy session',
    async () => {
      const runtime: RuntimeOptions = {
        ort,
        executionProviders: ['webgpu'],
        placement: 'gpu-buffer',
        gpuReads: 'copy-session',
      };
      // Any session with a gpu-buffer output: the copy model itself, asked to leave its output on the device.
      const reader = gpuReader(runtime);
      const probe = await createSession(runtime, copyModel(), ['y']);
      const out = await probe.run({ x: new ort.Tensor('float32', new Float32Array([4, 5, 6, 7]), [4]) });
      expect(out['y']!.location).toBe('gpu-buffer');
      expect(Array.from(await reader.read(out['y']!))).toEqual([4, 5, 6, 7]);
      out['y']!.dispose();
      await probe.release();
      await reader.release();
    },
  );
});
