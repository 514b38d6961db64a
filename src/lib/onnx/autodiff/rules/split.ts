/** Split: the input gradient is the output gradients concatenated (zeros for outputs the loss ignores). */
import { attrInt } from '../../graph/attributes';
import type { GradientRule } from '../rule';
import { axisOf, expectInputs } from '../rule';

export const splitGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 1, 2);
  if (!ctx.needs(0)) return [undefined, undefined];
  const { emit } = ctx;
  const x = ctx.inputs[0]!;
  const axis = axisOf(ctx, attrInt(ctx.node, 'axis', 0), emit.rank(x));
  const parts = ctx.outputs.map((o, i) => ctx.outGrads[i] ?? emit.zerosLike(o));
  return [emit.op('Concat', parts, { axis: { type: 'int', value: axis } }), undefined];
};
