/**
 * Gemm: Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A, B' = transB ? Bᵀ : B. Each gradient is itself one Gemm
 * whose transpose flags absorb the transposes:
 *   dA' = α·dY·B'ᵀ (dA = dA'ᵀ when transA),  dB' = α·A'ᵀ·dY (dB = dB'ᵀ when transB),  dC = β·Σ_broadcast dY.
 */
import { attrFloat, attrInt, float, int } from '../../graph/attributes';
import type { AttributeValue } from '../../graph/attributes';
import type { GradientRule } from '../rule';
import { dY, expectInputs } from '../rule';

export const gemmGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 2, 3);
  const { emit } = ctx;
  const g = dY(ctx);
  const [a, b, c] = ctx.inputs as [string, string, string | undefined];
  const ta = attrInt(ctx.node, 'transA', 0) === 1;
  const tb = attrInt(ctx.node, 'transB', 0) === 1;
  const alpha = attrFloat(ctx.node, 'alpha', 1);
  const beta = attrFloat(ctx.node, 'beta', 1);
  const gemm = (x: string, y: string, tx: boolean, ty: boolean): string => {
    const attrs: Record<string, AttributeValue> = {};
    if (tx) attrs.transA = int(1);
    if (ty) attrs.transB = int(1);
    if (alpha !== 1) attrs.alpha = float(alpha);
    return emit.op('Gemm', [x, y], attrs);
  };
  let dA: string | undefined;
  let dB: string | undefined;
  let dC: string | undefined;
  if (ctx.needs(0)) dA = ta ? gemm(b, g, tb, true) : gemm(g, b, false, !tb);
  if (ctx.needs(1)) dB = tb ? gemm(g, a, true, ta) : gemm(a, g, !ta, false);
  if (c && ctx.needs(2)) {
    const scaled = beta === 1 ? g : emit.op('Mul', [g, emit.scalar(beta, emit.dtype(c))]);
    dC = emit.unbroadcast(scaled, emit.dims(ctx.outputs[0]!), c);
  }
  return [dA, dB, dC];
};
