/**
 * Reading trainer tensors back to the CPU wherever they live (runtime.ts's `GpuReads`): a CPU tensor's data, a
 * gpu-buffer tensor's own download, or — on onnxruntime-node, whose download of a gpu-buffer tensor aborts the
 * process — a run of a one-node Identity graph on the same EP whose output ORT copies to the CPU itself.
 */
import { OnnxModel } from '../../onnx/graph/model';
import { DataType } from '../../onnx/proto/tensor';
import { createSession, type OrtSession, type OrtTensor, type RuntimeOptions } from './runtime';
import { flatView } from './trainer-tensors';

export type TensorReader = (t: OrtTensor) => Promise<Float32Array>;

/** Identity over a flat float vector of any length: input x, output y. */
export function copyModel(): Uint8Array {
  const model = new OnnxModel({
    irVersion: 8,
    producerName: 'capgrad-studio',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'gpu-read' },
  });
  const g = model.graph;
  g.addInput('x', DataType.FLOAT, ['n']);
  g.addNode('Identity', ['x'], { outputs: ['y'] });
  g.addOutput('y', DataType.FLOAT, ['n']);
  return model.encode();
}

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
