/** Where(C, X, Y): the gradient goes to X where C holds and to Y elsewhere (C is not differentiable). */
import type { GradientRule } from '../rule';
import { dY, expectInputs } from '../rule';

export const whereGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 3);
  const { emit } = ctx;
  const g = dY(ctx);
  const [c, x, y] = ctx.inputs as [string, string, string];
  const outDims = emit.dims(ctx.outputs[0]!);
  const zero = emit.scalar(0, emit.dtype(ctx.outputs[0]!));
  return [
    undefined,
    ctx.needs(1) ? emit.unbroadcast(emit.op('Where', [c, g, zero]), outDims, x) : undefined,
    ctx.needs(2) ? emit.unbroadcast(emit.op('Where', [c, zero, g]), outDims, y) : undefined,
  ];
};
