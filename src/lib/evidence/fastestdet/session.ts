/**
 * The slice of ONNX Runtime's API the detector needs. onnxruntime-node's and onnxruntime-web's
 * InferenceSession and Tensor both satisfy it, so the same code runs in Vitest (Node) and in the teacher
 * worker (browser); the caller injects the session and a tensor constructor.
 */
export interface TensorLike {
  readonly dims: readonly number[];
  readonly type: string;
  readonly data: unknown;
}

export interface SessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, TensorLike>): Promise<Record<string, TensorLike>>;
}

/** `(data, dims) => new ort.Tensor('float32', data, dims)` for whichever runtime is in use. */
export type Float32TensorFactory = (data: Float32Array, dims: readonly number[]) => TensorLike;

export class DetectorOutputError extends Error {
  override readonly name = 'DetectorOutputError';
}

export function float32Output(
  outputs: Record<string, TensorLike>,
  name: string,
  dims: readonly number[],
): Float32Array {
  const t = outputs[name];
  if (!t) throw new DetectorOutputError(`The model returned no output named "${name}".`);
  if (t.dims.length !== dims.length || t.dims.some((d, i) => d !== dims[i])) {
    throw new DetectorOutputError(
      `Output "${name}" has shape [${t.dims.join(', ')}], expected [${dims.join(', ')}].`,
    );
  }
  if (!(t.data instanceof Float32Array)) throw new DetectorOutputError(`Output "${name}" is not float32.`);
  return t.data;
}
