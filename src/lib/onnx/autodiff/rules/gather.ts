/**
 * Gather(data, indices, axis): the gradient adds each dY slice into the row it was read from, so repeated
 * indices (a token used twice) accumulate. Built from ScatterND / ScatterElements with reduction='add'
 * (opset ≥ 16), which the WebGPU EP runs; never from GatherGrad-style contrib ops.
 *
 * The WebGPU EP has no int64 kernels for Reshape/Unsqueeze/Expand (ORT runs such nodes on the CPU EP), so the
 * indices are never reshaped as int64. Instead an int32 table iota[N] is gathered with the same indices —
 * giving the (normalized, so negative indices work) positions as int32, in any shape we need:
 *   axis 0:  pos = Cast(Gather(iota[N,1], indices), int64)        → ScatterND(zeros(data), pos, dY, add)
 *   axis k:  data viewed as [P, N, R], dY as [P, Q, R] (Q = #indices);
 *            pos = Expand(Reshape(Gather(iota[N], indices), [1,Q,1]), [P,Q,R]) → ScatterElements(axis 1, add)
 */
import { attrInt, int, string } from '../../graph/attributes';
import { DataType } from '../../proto/tensor';
import type { GradientRule } from '../rule';
import { axisOf, dY, expectInputs, reject, staticDims } from '../rule';

export const gatherGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 2);
  if (!ctx.needs(0)) return [undefined, undefined];
  const { emit } = ctx;
  if (emit.opset < 16) reject(ctx, "needs opset ≥ 16 (ScatterND reduction='add')");
  const [data, indices] = ctx.inputs as [string, string];
  const dims = staticDims(ctx, data);
  const axis = axisOf(ctx, attrInt(ctx.node, 'axis', 0), dims.length);
  const n = dims[axis]!;
  const iota = Array.from({ length: n }, (_, i) => i);
  const zeros = emit.zerosLike(data);
  const add = { reduction: string('add') };
  if (axis === 0) {
    const pos32 = emit.op('Gather', [emit.int32s('gather_grad_iota', [n, 1], iota), indices]);
    const pos = emit.op('Cast', [pos32], { to: int(DataType.INT64) });
    return [emit.op('ScatterND', [zeros, pos, dY(ctx)], add), undefined];
  }
  const p = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const r = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const q = staticDims(ctx, indices).reduce((a, b) => a * b, 1);
  const pos32 = emit.op('Gather', [emit.int32s('gather_grad_iota', [n], iota), indices]);
  const pos = emit.op('Expand', [
    emit.op('Reshape', [pos32, emit.int64s([1, q, 1])]),
    emit.int64s([p, q, r]),
  ]);
  const g3 = emit.op('Reshape', [dY(ctx), emit.int64s([p, q, r])]);
  const z3 = emit.op('Reshape', [zeros, emit.int64s([p, n, r])]);
  const scattered = emit.op('ScatterElements', [z3, pos, g3], { axis: int(1), ...add });
  return [emit.reshapeLike(scattered, data), undefined];
};
