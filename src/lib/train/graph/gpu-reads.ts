/**
 * Reading trainer tensors back to the CPU wherever they live (runtime.ts's `GpuReads`): a CPU tensor's data, a
 * gpu-buffer tensor's own download, or — on onnxruntime-node, whose download of a gpu-buffer tensor aborts the
 * process — a run of a one-node Identity graph on the same EP whose output ORT copies to the CPU itself.
 */
import { identityModel } from '../../onnx/graph/identity-model';
import { createSession, type OrtSession, type OrtTensor, type RuntimeOptions } from './runtime';
import { flatView } from './trainer-tensors';

export type TensorReader = (t: OrtTensor) => Promise<Float32Array>;

/** Identity over a flat float vector of any length: input x, output y. */
export const copyModel = (): Uint8Array => identityModel('gpu-read', ['n']);

export interface GpuReader {
  readonly read: TensorReader;
  release(): Promise<void>;
}

/** The reader `runtime` asks for; a copy session is created on the first gpu-buffer read and kept until release. */
export function gpuReader(runtime: RuntimeOptions): GpuReader {
  let copy: Promise<OrtSession> | null = null;
  const viaSession = runtime.placement === 'gpu-buffer' && runtime.gpuReads === 'copy-session';
  return {
    async read(t) {
      if (!viaSession || t.location !== 'gpu-buffer')
        return Float32Array.from((await t.getData()) as Float32Array);
      copy ??= createSession({ ...runtime, placement: 'cpu' }, copyModel());
      const out = await (await copy).run({ x: flatView(runtime.ort, t) });
      const y = out['y']!;
      const values = Float32Array.from(y.data as Float32Array);
      y.dispose();
      return values;
    },
    async release() {
      if (copy) await (await copy).release();
      copy = null;
    },
  };
}
