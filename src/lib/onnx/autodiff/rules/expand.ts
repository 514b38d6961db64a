/** Expand: broadcasting, undone by summing the gradient over the broadcast axes. */
import type { GradientRule } from '../rule';
import { dY, expectInputs } from '../rule';

export const expandGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 2);
  if (!ctx.needs(0)) return [undefined, undefined];
  const { emit } = ctx;
  return [emit.unbroadcast(dY(ctx), emit.dims(ctx.outputs[0]!), ctx.inputs[0]!), undefined];
};
