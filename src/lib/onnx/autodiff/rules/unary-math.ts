/** Elementwise unary ops whose derivative is a short formula in X or Y. */
import type { GradContext, GradientRule } from '../rule';
import { dY, expectInputs } from '../rule';

/** Builds a rule from `slope(ctx, x, y, dtype)`: dX = dY · slope (or `direct` computes dX itself). */
function unary(
  direct: (ctx: GradContext, g: string, x: string, y: string, dt: number) => string,
): GradientRule {
  return (ctx) => {
    expectInputs(ctx, 1);
    if (!ctx.needs(0)) return [undefined];
    const x = ctx.inputs[0]!;
    return [direct(ctx, dY(ctx), x, ctx.outputs[0]!, ctx.emit.dtype(x))];
  };
}

export const negGrad = unary(({ emit }, g) => emit.op('Neg', [g]));
export const expGrad = unary(({ emit }, g, _x, y) => emit.op('Mul', [g, y]));
export const logGrad = unary(({ emit }, g, x) => emit.op('Div', [g, x]));
// d√x = 1 / (2√x) = 0.5 / y
export const sqrtGrad = unary(({ emit }, g, _x, y, dt) =>
  emit.op('Div', [emit.op('Mul', [g, emit.scalar(0.5, dt)]), y]),
);
// d(1/x) = −1/x² = −y²
export const reciprocalGrad = unary(({ emit }, g, _x, y) =>
  emit.op('Neg', [emit.op('Mul', [g, emit.op('Mul', [y, y])])]),
);
// dtanh = 1 − y²
export const tanhGrad = unary(({ emit }, g, _x, y, dt) =>
  emit.op('Mul', [g, emit.op('Sub', [emit.scalar(1, dt), emit.op('Mul', [y, y])])]),
);
// dσ = y (1 − y)
export const sigmoidGrad = unary(({ emit }, g, _x, y, dt) =>
  emit.op('Mul', [g, emit.op('Mul', [y, emit.op('Sub', [emit.scalar(1, dt), y])])]),
);
// derf = 2/√π · exp(−x²)
export const erfGrad = unary(({ emit }, g, x, _y, dt) => {
  const e = emit.op('Exp', [emit.op('Neg', [emit.op('Mul', [x, x])])]);
  return emit.op('Mul', [g, emit.op('Mul', [e, emit.scalar(2 / Math.sqrt(Math.PI), dt)])]);
});
// Relu: the gradient passes where x > 0 (0 at the kink, as PyTorch).
export const reluGrad = unary(({ emit }, g, x, _y, dt) =>
  emit.op('Where', [emit.op('Greater', [x, emit.scalar(0, dt)]), g, emit.scalar(0, dt)]),
);
// |x|: sign(x), 0 at 0 (as PyTorch).
export const absGrad = unary(({ emit }, g, x, _y, dt) => {
  const zero = emit.scalar(0, dt);
  const pos = emit.op('Where', [emit.op('Greater', [x, zero]), g, zero]);
  return emit.op('Where', [emit.op('Less', [x, zero]), emit.op('Neg', [g]), pos]);
});
