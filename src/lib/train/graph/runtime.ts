/**
 * The slice of an ONNX Runtime module the trainer uses, typed with onnxruntime-common so that the same code runs
 * on onnxruntime-node (tests, benchmarks) and onnxruntime-web/webgpu (the student worker). The module is passed
 * in; src/lib never imports a runtime.
 */
import type * as OrtCommon from 'onnxruntime-common';

export type OrtModule = Pick<typeof OrtCommon, 'InferenceSession' | 'Tensor'>;
export type OrtSession = OrtCommon.InferenceSession;
export type OrtTensor = OrtCommon.Tensor;
export type SessionOptions = OrtCommon.InferenceSession.SessionOptions;

/**
 * Where tensors that stay between steps (params, grads, moments) live.
 * 'gpu-buffer': outputs stay on the WebGPU device and are fed back as they are (the WebGPU EP of ORT Web and of
 * onnxruntime-node; the latter reads them back through a copy session, see `gpuReads`).
 * 'cpu': every run copies them in and out (WASM, CPU EP).
 */
export type TensorPlacement = 'cpu' | 'gpu-buffer';

/**
 * How the values of a gpu-buffer tensor come back to the CPU (checkpoints, `weights()`).
 * 'getData': the tensor's own download (ORT Web).
 * 'copy-session': one Identity session on the same EP whose output stays on the CPU. onnxruntime-node (1.30 and
 * 1.31.1, measured) feeds gpu-buffer outputs back and disposes them fine, but `getData()` on one aborts the
 * process ("terminate called after throwing an instance of 'char const*'"); ORT's own copy inside a run works.
 */
export type GpuReads = 'getData' | 'copy-session';

export interface RuntimeOptions {
  readonly ort: OrtModule;
  /** e.g. ['webgpu'], ['wasm'], ['cpu']. */
  readonly executionProviders: readonly string[];
  readonly placement: TensorPlacement;
  /** With placement 'gpu-buffer': how values are read back ('getData' unless given). */
  readonly gpuReads?: GpuReads;
  /** Extra session options (log level, graph optimization level…), merged under ours. */
  readonly sessionOptions?: SessionOptions;
}

/**
 * Creating sessions one at a time: two WebGPU sessions created at once throw (docs/architecture.md decision 6).
 */
let sessionQueue: Promise<unknown> = Promise.resolve();

export function createSession(
  runtime: RuntimeOptions,
  model: Uint8Array,
  gpuOutputs: readonly string[] = [],
): Promise<OrtSession> {
  const preferredOutputLocation =
    runtime.placement === 'gpu-buffer' && gpuOutputs.length > 0
      ? Object.fromEntries(gpuOutputs.map((name) => [name, 'gpu-buffer' as const]))
      : undefined;
  const options: SessionOptions = {
    ...runtime.sessionOptions,
    executionProviders: [...runtime.executionProviders],
    ...(preferredOutputLocation ? { preferredOutputLocation } : {}),
  };
  const next = sessionQueue.then(() => runtime.ort.InferenceSession.create(model, options));
  sessionQueue = next.catch(() => undefined);
  return next;
}
