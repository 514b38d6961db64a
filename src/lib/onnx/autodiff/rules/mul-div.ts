/** Mul and Div: product and quotient rules, un-broadcast to each input's shape. */
import type { GradientRule } from '../rule';
import { dY, expectInputs } from '../rule';

export const mulGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 2);
  const { emit } = ctx;
  const g = dY(ctx);
  const y = emit.dims(ctx.outputs[0]!);
  const [a, b] = ctx.inputs as [string, string];
  return [
    ctx.needs(0) ? emit.unbroadcast(emit.op('Mul', [g, b]), y, a) : undefined,
    ctx.needs(1) ? emit.unbroadcast(emit.op('Mul', [g, a]), y, b) : undefined,
  ];
};

export const divGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 2);
  const { emit } = ctx;
  const g = dY(ctx);
  const y = emit.dims(ctx.outputs[0]!);
  const [a, b] = ctx.inputs as [string, string];
  const gOverB = ctx.needs(0) || ctx.needs(1) ? emit.op('Div', [g, b]) : '';
  return [
    ctx.needs(0) ? emit.unbroadcast(gOverB, y, a) : undefined,
    // d(a/b)/db = -a/b² = -y/b, so dB = -(dY/b)·y.
    ctx.needs(1)
      ? emit.unbroadcast(emit.op('Neg', [emit.op('Mul', [gOverB, ctx.outputs[0]!])]), y, b)
      : undefined,
  ];
};
