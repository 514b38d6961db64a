/**
 * Gelu (opset 20), exact and tanh-approximated:
 *   none: y = x Φ(x)            → dy/dx = Φ(x) + x φ(x), Φ(x) = ½(1 + erf(x/√2)), φ(x) = e^(−x²/2)/√(2π)
 *   tanh: y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³)
 *                               → dy/dx = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)
 */
import { attrString } from '../../graph/attributes';
import type { GradientRule } from '../rule';
import { dY, expectInputs, reject } from '../rule';

export const geluGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 1);
  const approximate = attrString(ctx.node, 'approximate', 'none');
  if (approximate !== 'none' && approximate !== 'tanh') reject(ctx, `unknown approximate='${approximate}'`);
  if (!ctx.needs(0)) return [undefined];
  const { emit } = ctx;
  const x = ctx.inputs[0]!;
  const dt = emit.dtype(x);
  const c = (v: number): string => emit.scalar(v, dt);
  const mul = (a: string, b: string): string => emit.op('Mul', [a, b]);
  const add = (a: string, b: string): string => emit.op('Add', [a, b]);
  const xx = mul(x, x);
  let slope: string;
  if (approximate === 'none') {
    const cdf = mul(add(emit.op('Erf', [mul(x, c(Math.SQRT1_2))]), c(1)), c(0.5));
    const pdf = mul(emit.op('Exp', [mul(xx, c(-0.5))]), c(1 / Math.sqrt(2 * Math.PI)));
    slope = add(cdf, mul(x, pdf));
  } else {
    const k = Math.sqrt(2 / Math.PI);
    const u = mul(mul(x, add(c(1), mul(xx, c(0.044715)))), c(k));
    const t = emit.op('Tanh', [u]);
    const du = mul(add(c(1), mul(xx, c(3 * 0.044715))), c(k));
    const sech2 = emit.op('Sub', [c(1), mul(t, t)]);
    slope = add(mul(add(c(1), t), c(0.5)), mul(mul(mul(x, c(0.5)), sech2), du));
  }
  return [mul(dY(ctx), slope)];
};
