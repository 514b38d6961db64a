import { GenerationError } from '../core/errors';

/**
 * The few things our decoding loops need from ONNX Runtime, so they run on onnxruntime-web (browser) and
 * onnxruntime-node (tests) alike, and on hand-written fakes. ORT's Tensor and InferenceSession fit these
 * shapes structurally.
 */
export interface TensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  /** 'cpu' for host data; 'gpu-buffer' when a session kept the output on the device. */
  readonly location: string;
  /** Host data; throws for tensors that live on the device (use getData). */
  readonly data: unknown;
  getData(): Promise<unknown>;
  dispose(): void;
}

export interface SessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, TensorLike>): Promise<Record<string, TensorLike>>;
}

/** Creates host tensors (ORT: `(type, data, dims) => new ort.Tensor(type, data, dims)`). */
export interface TensorFactory {
  float32(data: Float32Array, dims: readonly number[]): TensorLike;
  int64(data: BigInt64Array, dims: readonly number[]): TensorLike;
  bool(data: Uint8Array, dims: readonly number[]): TensorLike;
}

/** The shape ORT's Tensor constructor has; enough to build a TensorFactory from either ORT package. */
export type OrtTensorConstructor = new (
  type: 'float32' | 'int64' | 'bool',
  data: Float32Array | BigInt64Array | Uint8Array,
  dims: readonly number[],
) => TensorLike;

export function tensorFactoryFrom(Tensor: OrtTensorConstructor): TensorFactory {
  return {
    float32: (data, dims) => new Tensor('float32', data, dims),
    int64: (data, dims) => new Tensor('int64', data, dims),
    bool: (data, dims) => new Tensor('bool', data, dims),
  };
}

/** Host copy of a float32 tensor, downloading it first if a session left it on the GPU. */
export async function readFloat32(tensor: TensorLike, what: string): Promise<Float32Array> {
  const data = tensor.location === 'cpu' ? tensor.data : await tensor.getData();
  if (!(data instanceof Float32Array)) {
    throw new GenerationError(`${what}: expected float32 data, got ${tensor.type}`);
  }
  return data;
}

export function outputOf(outputs: Record<string, TensorLike>, name: string): TensorLike {
  const tensor = outputs[name];
  if (tensor === undefined) {
    throw new GenerationError(
      `the session gave no output '${name}' (got ${Object.keys(outputs).join(', ')})`,
    );
  }
  return tensor;
}

/** Frees device memory of tensors we own; host tensors ignore it. Each tensor at most once. */
export function disposeAll(tensors: Iterable<TensorLike>): void {
  for (const tensor of new Set(tensors)) {
    if (tensor.location !== 'cpu') tensor.dispose();
  }
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, d) => product * d, 1);
}
