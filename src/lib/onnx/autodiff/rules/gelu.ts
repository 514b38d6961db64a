/**
 * Gelu (opset 20), exact and tanh-approximated, and com.microsoft FastGelu (the tanh one; graph/fuse-gelu.ts):
 *   none: y = x Φ(x)            → dy/dx = Φ(x) + x φ(x), Φ(x) = ½(1 + erf(x/√2)), φ(x) = e^(−x²/2)/√(2π)
 *   tanh: y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³)
 *                               → dy/dx = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)
 *                                       = ½(1 + t)·(1 + x(1 − t)·√(2/π)(1 + 3·0.044715x²))   (1 − t² = (1 − t)(1 + t))
 * The second form of the tanh slope takes 15 nodes with the product by dY; the first took 18.
 */
import { attrString } from '../../graph/attributes';
import { CUBIC, SQRT_2_OVER_PI } from '../../graph/fuse-gelu';
import type { Emitter } from '../emitter';
import type { GradientRule } from '../rule';
import { dY, expectInputs, reject } from '../rule';

/** d/dx of ½x(1 + tanh(√(2/π)(x + 0.044715x³))), recomputing tanh from x. */
function tanhGeluSlope(emit: Emitter, x: string): string {
  const c = (v: number): string => emit.scalar(v, emit.dtype(x));
  const mul = (a: string, b: string): string => emit.op('Mul', [a, b]);
  const add = (a: string, b: string): string => emit.op('Add', [a, b]);
  const xx = mul(x, x);
  const t = emit.op('Tanh', [mul(x, add(mul(xx, c(SQRT_2_OVER_PI * CUBIC)), c(SQRT_2_OVER_PI)))]);
  const du = add(mul(xx, c(3 * SQRT_2_OVER_PI * CUBIC)), c(SQRT_2_OVER_PI));
  const bracket = add(mul(mul(x, du), emit.op('Sub', [c(1), t])), c(1));
  return mul(mul(add(t, c(1)), bracket), c(0.5));
}

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
  if (approximate === 'tanh') return [mul(dY(ctx), tanhGeluSlope(emit, x))];
  const cdf = mul(add(emit.op('Erf', [mul(x, c(Math.SQRT1_2))]), c(1)), c(0.5));
  const pdf = mul(emit.op('Exp', [mul(mul(x, x), c(-0.5))]), c(1 / Math.sqrt(2 * Math.PI)));
  return [mul(dY(ctx), add(cdf, mul(x, pdf)))];
};

/** com.microsoft FastGelu(X[, bias]) = tanh-approximated Gelu(X + bias); the fusion never adds a bias. */
export const fastGeluGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 1, 2);
  if (ctx.inputs[1])
    reject(ctx, 'FastGelu with a bias input has no gradient rule (graph/fuse-gelu.ts makes none)');
  if (!ctx.needs(0)) return [undefined];
  return [ctx.emit.op('Mul', [dY(ctx), tanhGeluSlope(ctx.emit, ctx.inputs[0]!)])];
};
