/** GatherElements(data, indices, axis): ScatterElements-add of dY into zeros at the gathered positions. */
import { attrInt, int, string } from '../../graph/attributes';
import type { GradientRule } from '../rule';
import { axisOf, dY, expectInputs, reject } from '../rule';

export const gatherElementsGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 2);
  if (!ctx.needs(0)) return [undefined, undefined];
  const { emit } = ctx;
  if (emit.opset < 16) reject(ctx, "needs opset ≥ 16 (ScatterElements reduction='add')");
  const [data, indices] = ctx.inputs as [string, string];
  const axis = axisOf(ctx, attrInt(ctx.node, 'axis', 0), emit.rank(data));
  const grad = emit.op('ScatterElements', [emit.zerosLike(data), indices, dY(ctx)], {
    axis: int(axis),
    reduction: string('add'),
  });
  return [grad, undefined];
};
