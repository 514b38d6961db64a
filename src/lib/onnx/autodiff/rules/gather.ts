/**
 * Gather(data, indices, axis): the gradient adds each dY slice into the row it was read from, so repeated
 * indices (a token used twice) accumulate. Built from ScatterND / ScatterElements with reduction='add'
 * (opset ≥ 16), which the WebGPU EP runs; never from GatherGrad-style contrib ops.
 *   axis 0:  ScatterND(zeros(data), Unsqueeze(indices, −1), dY, add)
 *   axis k:  data viewed as [P, N, R], dY as [P, Q, R] (Q = #indices); ScatterElements on axis 1.
 * Negative indices are not normalized (token ids and positions are non-negative).
 */
import { attrInt, int, string } from '../../graph/attributes';
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
  const zeros = emit.zerosLike(data);
  const add = { reduction: string('add') };
  if (axis === 0) {
    return [emit.op('ScatterND', [zeros, emit.unsqueeze(indices, [emit.rank(indices)]), dY(ctx)], add), undefined];
  }
  const p = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const r = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const q = staticDims(ctx, indices).reduce((a, b) => a * b, 1);
  const g3 = emit.op('Reshape', [dY(ctx), emit.int64s([p, q, r])]);
  const idx = emit.op('Expand', [emit.op('Reshape', [indices, emit.int64s([1, q, 1])]), emit.int64s([p, q, r])]);
  const z3 = emit.op('Reshape', [zeros, emit.int64s([p, dims[axis]!, r])]);
  const scattered = emit.op('ScatterElements', [z3, idx, g3], { axis: int(1), ...add });
  return [emit.reshapeLike(scattered, data), undefined];
};
