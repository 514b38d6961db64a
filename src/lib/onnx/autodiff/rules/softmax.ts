/**
 * Softmax: dX = Y ⊙ (dY − Σ_axis(dY ⊙ Y)). Opset ≥ 13 normalizes over one axis (default −1); older opsets over
 * the flattened axes [axis, rank) (default 1), which is the same formula summed over all those axes.
 */
import { attrInt } from '../../graph/attributes';
import type { GradientRule } from '../rule';
import { axisOf, dY, expectInputs } from '../rule';

export const softmaxGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 1);
  if (!ctx.needs(0)) return [undefined];
  const { emit } = ctx;
  const g = dY(ctx);
  const y = ctx.outputs[0]!;
  const rank = emit.rank(y);
  const modern = emit.opset >= 13;
  const axis = axisOf(ctx, attrInt(ctx.node, 'axis', modern ? -1 : 1), rank);
  const axes = modern ? [axis] : [...Array(rank - axis).keys()].map((i) => axis + i);
  const dot = emit.reduceSum(emit.op('Mul', [g, y]), axes, true);
  return [emit.op('Mul', [y, emit.op('Sub', [g, dot])])];
};
