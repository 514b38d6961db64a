/**
 * Shared vocabulary of the shape/value inference: what is known about a tensor (type, dims, and for small
 * tensors its values, which may include symbolic dims read by Shape), and helpers the per-op rules use.
 */
import type { NodeProto } from '../../proto/types';
import type { Dim } from '../tensor-info';

/** A tracked element: a number, a symbolic dim (from Shape of a named dim), or null (unknown). */
export type Scalar = number | string | null;

export interface Known {
  readonly dtype: number;
  readonly dims: readonly Dim[] | null;
  /** Row-major values, only for small tensors (≤ MAX_TRACKED elements) with static dims. */
  readonly value?: readonly Scalar[];
}

/** Largest tensor whose values inference tracks (shape arithmetic, masks of a short caption, scalars). */
export const MAX_TRACKED = 4096;

export interface OpContext {
  readonly node: NodeProto;
  /** One entry per node input; undefined for an omitted optional input ('') or an unknown tensor. */
  readonly inputs: readonly (Known | undefined)[];
  /** Version of the ai.onnx opset the model imports (decides attribute-vs-input forms). */
  readonly opset: number;
}

export type OpInference = (ctx: OpContext) => (Known | undefined)[];

/** The graph breaks an ONNX rule that inference can see (mismatched broadcast dims, bad axis). */
export class ShapeInferenceError extends Error {
  override readonly name = 'ShapeInferenceError';
}

export function fail(ctx: OpContext, message: string): never {
  throw new ShapeInferenceError(`${ctx.node.opType ?? ''} node '${ctx.node.name ?? ''}': ${message}`);
}

export function staticCount(dims: readonly Dim[] | null | undefined): number | null {
  if (!dims) return null;
  let n = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}

export function normAxis(ctx: OpContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(ctx, `axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** Numeric values of an input, or undefined if unknown or any element is symbolic/unknown. */
export function numbers(k: Known | undefined): number[] | undefined {
  if (!k?.value) return undefined;
  return k.value.every((v) => typeof v === 'number') ? (k.value as number[]) : undefined;
}

/** Dims given by a 1-D shape tensor's values (symbolic entries allowed). */
export function dimsFromValue(k: Known | undefined): Dim[] | undefined {
  return k?.value ? k.value.map((v) => v) : undefined;
}

/** Attaches values only when they are small enough to track. */
export function known(dtype: number, dims: readonly Dim[] | null, value?: readonly Scalar[]): Known {
  const n = staticCount(dims);
  return value && n !== null && n <= MAX_TRACKED && value.length === n
    ? { dtype, dims, value }
    : { dtype, dims };
}

/** Numpy-style broadcast of several shapes; null if any rank is unknown. */
export function broadcastDims(ctx: OpContext, shapes: readonly (readonly Dim[] | null)[]): Dim[] | null {
  if (shapes.some((s) => s === null)) return null;
  const rank = Math.max(...shapes.map((s) => s!.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const k = s!.length - rank + i;
      const e = k >= 0 ? s![k]! : 1;
      if (e === 1 || e === d) continue;
      if (d === 1) d = e;
      else if (typeof d === 'number' && typeof e === 'number')
        fail(ctx, `cannot broadcast dim ${d} with ${e}`);
      else if (typeof e === 'number') d = e;
      else if (typeof d !== 'number') d = null; // two different symbols (or unknown): either may be 1
    }
    out.push(d);
  }
  return out;
}

export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

/** Flat index into a tensor of `dims` broadcast to `out`, for each flat index of `out`. */
export function broadcastIndex(dims: readonly number[], out: readonly number[]): number[] {
  const n = out.reduce((a, b) => a * b, 1);
  const inStrides = stridesOf(dims);
  const offset = out.length - dims.length;
  const result = new Array<number>(n);
  const idx = new Array<number>(out.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    let src = 0;
    for (let k = 0; k < dims.length; k++) if (dims[k] !== 1) src += idx[k + offset]! * inStrides[k]!;
    result[flat] = src;
    for (let k = out.length - 1; k >= 0; k--) {
      if (++idx[k]! < out[k]!) break;
      idx[k] = 0;
    }
  }
  return result;
}
