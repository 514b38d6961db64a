/** Transpose: the gradient is transposed back with the inverse permutation. */
import { attrInts } from '../../graph/attributes';
import type { GradientRule } from '../rule';
import { dY, expectInputs, reject } from '../rule';

export const transposeGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 1);
  if (!ctx.needs(0)) return [undefined];
  const rank = ctx.emit.rank(ctx.inputs[0]!);
  const perm = attrInts(ctx.node, 'perm', [...Array(rank).keys()].reverse());
  if (perm.length !== rank) reject(ctx, `perm has ${perm.length} entries for rank ${rank}`);
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  return [ctx.emit.transpose(dY(ctx), inverse)];
};
