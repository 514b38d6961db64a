/**
 * Max and Min of one or two inputs: the gradient goes to the input that was selected. Ties go to the first
 * input (a subgradient; PyTorch's maximum splits ties evenly, which only matters exactly on a tie).
 */
import type { GradientRule } from '../rule';
import { dY, expectInputs } from '../rule';

function minMax(compare: 'GreaterOrEqual' | 'LessOrEqual'): GradientRule {
  return (ctx) => {
    expectInputs(ctx, 1, 2);
    const g = dY(ctx);
    if (ctx.inputs.length === 1) return [ctx.needs(0) ? g : undefined];
    const { emit } = ctx;
    const [a, b] = ctx.inputs as [string, string];
    const outDims = emit.dims(ctx.outputs[0]!);
    const zero = emit.scalar(0, emit.dtype(a));
    const firstWins = emit.op(compare, [a, b]);
    return [
      ctx.needs(0) ? emit.unbroadcast(emit.op('Where', [firstWins, g, zero]), outDims, a) : undefined,
      ctx.needs(1) ? emit.unbroadcast(emit.op('Where', [firstWins, zero, g]), outDims, b) : undefined,
    ];
  };
}

export const maxGrad = minMax('GreaterOrEqual');
export const minGrad = minMax('LessOrEqual');
