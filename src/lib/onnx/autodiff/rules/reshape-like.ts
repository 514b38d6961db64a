/** Reshape, Flatten, Squeeze, Unsqueeze: the data is unchanged, so the gradient is reshaped back to X. */
import type { GradientRule } from '../rule';
import { dY, expectInputs } from '../rule';

export const reshapeLikeGrad: GradientRule = (ctx) => {
  // Reshape (data, shape), Squeeze/Unsqueeze (data[, axes]), Flatten (data): only the data is differentiable.
  expectInputs(ctx, 1, 2);
  if (!ctx.needs(0)) return ctx.inputs.map(() => undefined);
  return [ctx.emit.reshapeLike(dY(ctx), ctx.inputs[0]!), undefined];
};
