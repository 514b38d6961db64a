/** Inference for contractions and normalizations: MatMul, Gemm, LayerNormalization, Reduce*, ArgMax. */
import { DataType } from '../../proto/tensor';
import { attrInt, attrInts, findAttribute } from '../attributes';
import type { Dim } from '../tensor-info';
import { broadcastDims, fail, known, normAxis, numbers } from './common';
import type { OpContext, OpInference } from './common';

const matmul: OpInference = (ctx) => {
  const [a, b] = ctx.inputs;
  if (!a || !b) return [undefined];
  if (!a.dims || !b.dims) return [known(a.dtype, null)];
  const ad = a.dims.length === 1 ? [1, a.dims[0]!] : a.dims;
  const bd = b.dims.length === 1 ? [b.dims[0]!, 1] : b.dims;
  const [k1, k2] = [ad[ad.length - 1], bd[bd.length - 2]];
  if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2)
    fail(ctx, `inner dims ${k1} and ${k2} differ`);
  const batch = broadcastDims(ctx, [ad.slice(0, -2), bd.slice(0, -2)])!;
  const dims: Dim[] = [...batch];
  if (a.dims.length > 1) dims.push(ad[ad.length - 2]!);
  if (b.dims.length > 1) dims.push(bd[bd.length - 1]!);
  return [known(a.dtype, dims)];
};

const gemm: OpInference = (ctx) => {
  const [a, b] = ctx.inputs;
  if (!a || !b) return [undefined];
  const m = a.dims ? a.dims[attrInt(ctx.node, 'transA', 0) ? 1 : 0]! : null;
  const n = b.dims ? b.dims[attrInt(ctx.node, 'transB', 0) ? 0 : 1]! : null;
  return [known(a.dtype, [m, n])];
};

const layerNorm: OpInference = (ctx) => {
  const x = ctx.inputs[0];
  if (!x) return [undefined, undefined, undefined];
  if (!x.dims) return [known(x.dtype, null), known(DataType.FLOAT, null), known(DataType.FLOAT, null)];
  const axis = normAxis(ctx, attrInt(ctx.node, 'axis', -1), x.dims.length);
  const stat = x.dims.map((d, i) => (i < axis ? d : 1));
  // Mean/InvStdDev use stash_type (float32 by default).
  const stash = attrInt(ctx.node, 'stash_type', DataType.FLOAT);
  return [known(x.dtype, x.dims), known(stash, stat), known(stash, stat)];
};

/** ReduceSum moved `axes` to an input in opset 13, the other reductions in opset 18. */
export function reduceAxes(ctx: OpContext): number[] | undefined | 'unknown' {
  const op = ctx.node.opType ?? '';
  const asInput = op === 'ReduceSum' ? ctx.opset >= 13 : ctx.opset >= 18;
  if (asInput) {
    if (!ctx.node.input?.[1]) return undefined;
    return numbers(ctx.inputs[1]) ?? 'unknown';
  }
  return findAttribute(ctx.node, 'axes') ? attrInts(ctx.node, 'axes') : undefined;
}

const reduce =
  (outType?: number): OpInference =>
  (ctx) => {
    const x = ctx.inputs[0];
    if (!x) return [undefined];
    const dtype = outType ?? x.dtype;
    if (!x.dims) return [known(dtype, null)];
    const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
    const axes = reduceAxes(ctx);
    if (axes === 'unknown') return [known(dtype, keep ? x.dims.map(() => null) : null)];
    const r = x.dims.length;
    const noop = attrInt(ctx.node, 'noop_with_empty_axes', 0) === 1;
    if ((!axes || axes.length === 0) && noop) return [known(dtype, x.dims)];
    const set = new Set(
      !axes || axes.length === 0 ? [...Array(r).keys()] : axes.map((a) => normAxis(ctx, a, r)),
    );
    const dims = x.dims.flatMap((d, i) => (set.has(i) ? (keep ? [1] : []) : [d]));
    return [known(dtype, dims)];
  };

const argReduce: OpInference = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.dims) return [known(DataType.INT64, null)];
  const axis = normAxis(ctx, attrInt(ctx.node, 'axis', 0), x.dims.length);
  const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
  return [
    known(
      DataType.INT64,
      x.dims.flatMap((d, i) => (i === axis ? (keep ? [1] : []) : [d])),
    ),
  ];
};

export const MATH_OPS: Readonly<Record<string, OpInference>> = {
  MatMul: matmul,
  Gemm: gemm,
  LayerNormalization: layerNorm,
  ReduceSum: reduce(),
  ReduceMean: reduce(),
  ReduceMax: reduce(),
  ReduceMin: reduce(),
  ReduceProd: reduce(),
  ReduceLogSumExp: reduce(),
  ReduceSumSquare: reduce(),
  ReduceL2: reduce(),
  ArgMax: argReduce,
  ArgMin: argReduce,
};
