/**
 * Pow: dA = dY·B·A^(B−1), dB = dY·Y·ln A. Constant small integer exponents (GPT-2's x³ in gelu_new, x² in
 * decomposed LayerNorm) use plain products: WGSL's pow is undefined for negative bases.
 */
import type { GradientRule } from '../rule';
import { dY, expectInputs } from '../rule';

export const powGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 2);
  const { emit } = ctx;
  const g = dY(ctx);
  const [a, b] = ctx.inputs as [string, string];
  const y = ctx.outputs[0]!;
  const yDims = emit.dims(y);
  const dt = emit.dtype(a);
  let dA: string | undefined;
  if (ctx.needs(0)) {
    const exps = emit.values(b);
    const k = exps && exps.length === 1 && !ctx.needs(1) ? exps[0]! : undefined;
    let slope: string; // d(a^k)/da
    if (k === 1) slope = emit.scalar(1, dt);
    else if (k === 2) slope = emit.op('Mul', [a, emit.scalar(2, dt)]);
    else if (k === 3) slope = emit.op('Mul', [emit.op('Mul', [a, a]), emit.scalar(3, dt)]);
    else if (k === 0.5) slope = emit.op('Div', [emit.scalar(0.5, dt), y]);
    else slope = emit.op('Mul', [b, emit.op('Pow', [a, emit.op('Sub', [b, emit.scalar(1, emit.dtype(b))])])]);
    dA = emit.unbroadcast(emit.op('Mul', [g, slope]), yDims, a);
  }
  const dB = ctx.needs(1)
    ? emit.unbroadcast(emit.op('Mul', [emit.op('Mul', [g, y]), emit.op('Log', [a])]), yDims, b)
    : undefined;
  return [dA, dB];
};
