/**
 * Add and Sub: the output gradient, un-broadcast to each input's shape (negated for Sub's B). Variadic Sum never
 * reaches the rules: lowerForWebGpu turns it into Adds (the WebGPU EP has no Sum kernel).
 */
import type { GradientRule } from '../rule';
import { dY, expectInputs } from '../rule';

export const addGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 2);
  const g = dY(ctx);
  const y = ctx.emit.dims(ctx.outputs[0]!);
  return ctx.inputs.map((x, i) => (ctx.needs(i) ? ctx.emit.unbroadcast(g, y, x) : undefined));
};

export const subGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 2);
  const g = dY(ctx);
  const y = ctx.emit.dims(ctx.outputs[0]!);
  const [a, b] = ctx.inputs as [string, string];
  return [
    ctx.needs(0) ? ctx.emit.unbroadcast(g, y, a) : undefined,
    ctx.needs(1) ? ctx.emit.unbroadcast(ctx.emit.op('Neg', [g]), y, b) : undefined,
  ];
};
