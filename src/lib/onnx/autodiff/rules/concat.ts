/** Concat: the gradient is split back into pieces of each input's size along the axis. */
import { attrInt } from '../../graph/attributes';
import type { GradientRule } from '../rule';
import { axisOf, dY, expectInputs, reject } from '../rule';

export const concatGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 1, Infinity);
  const { emit } = ctx;
  const rank = emit.rank(ctx.outputs[0]!);
  const axis = axisOf(ctx, attrInt(ctx.node, 'axis'), rank);
  const sizes = ctx.inputs.map((x) => {
    const d = emit.dims(x)[axis];
    if (typeof d !== 'number') reject(ctx, `size of input '${x}' along axis ${axis} is not static`);
    return d;
  });
  if (ctx.inputs.length === 1) return [ctx.needs(0) ? dY(ctx) : undefined];
  const pieces = emit.split(dY(ctx), sizes, axis);
  return pieces.map((p, i) => (ctx.needs(i) ? p : undefined));
};
