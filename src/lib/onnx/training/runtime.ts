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
 * 'gpu-buffer': outputs stay on the WebGPU device and are fed back as they are (ORT Web's WebGPU EP).
 * 'cpu': every run copies them in and out (WASM, CPU EP, and onnxruntime-node's WebGPU EP, whose gpu-buffer
 * outputs cannot be read or fed back in 1.30: the process aborts).
 */
export type TensorPlacement = 'cpu' | 'gpu-buffer';

export interface RuntimeOptions {
  readonly ort: OrtModule;
  /** e.g. ['webgpu'], ['wasm'], ['cpu']. */
  readonly executionProviders: readonly string[];
  readonly placement: TensorPlacement;
  /** Extra session options (log level, graph optimization level…), merged under ours. */
  readonly sessionOptions?: SessionOptions;
}

/**
 * Session config for our graphs. ORT's level-2 optimizations fuse a decomposed layer norm (torch.onnx below
 * opset 17) into a LayerNormalization or SimplifiedLayerNormalization kernel wherever the backward pass needs
 * none of its intermediates (block 0's ln_1 in LoRA mode), and those kernels round differently per platform and
 * version: on ORT Web 1.31's WASM EP, gpt2-a's LoRA gradients came 5.0e-5 from PyTorch float64 with the fusion
 * and 1.2e-5 without (PyTorch's own float32: 6.6e-6); onnxruntime-node 1.30 fuses the simplified kernel when
 * the other is disabled (6.0e-5). Our graphs are float32 decompositions checked against PyTorch: keep them.
 */
export const TRAINING_SESSION_CONFIG: Readonly<Record<string, string>> = {
  'optimization.disable_specified_optimizers': 'LayerNormFusionL2;SimplifiedLayerNormFusion',
};

/** Creating sessions one at a time: two WebGPU sessions created at once throw (DESIGN decision 6). */
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
    extra: { ...TRAINING_SESSION_CONFIG, ...(runtime.sessionOptions?.extra as object | undefined) },
    executionProviders: [...runtime.executionProviders],
    ...(preferredOutputLocation ? { preferredOutputLocation } : {}),
  };
  const next = sessionQueue.then(() => runtime.ort.InferenceSession.create(model, options));
  sessionQueue = next.catch(() => undefined);
  return next;
}
