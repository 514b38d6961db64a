/**
 * ReduceSum, ReduceMean, ReduceLogSumExp: the gradient (with the reduced axes restored as 1s) is broadcast back
 * to X, divided by the element count for the mean, times softmax(X) over the axes for log-sum-exp.
 */
import { attrInt, attrInts, findAttribute } from '../../graph/attributes';
import type { GradContext, GradientRule } from '../rule';
import { axisOf, dY, expectInputs, reject } from '../rule';

/** Reduced axes (normalized, sorted) or 'all'; ReduceSum took them as an input from opset 13, the rest from 18. */
function reducedAxes(ctx: GradContext, rank: number): number[] | 'none' {
  const { emit, node } = ctx;
  const asInput = node.opType === 'ReduceSum' ? emit.opset >= 13 : emit.opset >= 18;
  let axes: number[] | undefined;
  if (asInput && ctx.inputs[1]) {
    axes = emit.values(ctx.inputs[1]);
    if (!axes) reject(ctx, 'axes input is not a constant');
  } else if (!asInput && findAttribute(node, 'axes')) axes = attrInts(node, 'axes');
  if (!axes || axes.length === 0)
    return attrInt(node, 'noop_with_empty_axes', 0) === 1 ? 'none' : [...Array(rank).keys()];
  return axes.map((a) => axisOf(ctx, a, rank)).sort((p, q) => p - q);
}

/** dY and Y reshaped to keepdims form, so they broadcast against X. */
function keepDims(ctx: GradContext, t: string, axes: number[]): string {
  return attrInt(ctx.node, 'keepdims', 1) === 1 ? t : ctx.emit.unsqueeze(t, axes);
}

function reduceRule(kind: 'sum' | 'mean' | 'logsumexp'): GradientRule {
  return (ctx) => {
    expectInputs(ctx, 1, 2);
    if (!ctx.needs(0)) return [undefined, undefined];
    const { emit } = ctx;
    const x = ctx.inputs[0]!;
    const dims = emit.dims(x);
    const axes = reducedAxes(ctx, dims.length);
    if (axes === 'none') {
      // noop_with_empty_axes: Y = X for sum/mean, and log-sum-exp of single elements is X too.
      return [dY(ctx), undefined];
    }
    let g = emit.op('Expand', [keepDims(ctx, dY(ctx), axes), emit.shapeOf(x)]);
    if (kind === 'mean') {
      const n = axes.map((a) => dims[a]);
      if (!n.every((d) => typeof d === 'number')) reject(ctx, 'ReduceMean over a dim that is not static');
      g = emit.op('Mul', [g, emit.scalar(1 / (n as number[]).reduce((p, q) => p * q, 1), emit.dtype(x))]);
    } else if (kind === 'logsumexp') {
      const y = keepDims(ctx, ctx.outputs[0]!, axes);
      g = emit.op('Mul', [g, emit.op('Exp', [emit.op('Sub', [x, y])])]);
    }
    return [g, undefined];
  };
}

export const reduceSumGrad = reduceRule('sum');
export const reduceMeanGrad = reduceRule('mean');
export const reduceLogSumExpGrad = reduceRule('logsumexp');
