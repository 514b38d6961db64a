/**
 * LayerNormalization over axes [axis, rank): y = x̂·γ + β, x̂ = (x − μ)·r, r = 1/√(σ² + ε).
 *   dx = r · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)),  dx̂ = dY·γ;  dγ = Σ dY·x̂;  dβ = Σ dY.
 * μ and r are recomputed from x with plain ops (the WebGPU kernel's optional Mean/InvStdDev outputs are not
 * relied on). The decomposed form torch exports for older opsets needs no rule of its own: it is made of
 * ReduceMean, Sub, Pow, Add, Sqrt, Div and Mul, which all have one.
 */
import { attrFloat, attrInt } from '../../graph/attributes';
import type { GradientRule } from '../rule';
import { axisOf, dY, expectInputs, reject } from '../rule';

export const layerNormGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 2, 3);
  if (ctx.outGrads[1] || ctx.outGrads[2]) reject(ctx, 'gradients through the Mean/InvStdDev outputs');
  const { emit } = ctx;
  const g = dY(ctx);
  const [x, scale, bias] = ctx.inputs as [string, string, string | undefined];
  const rank = emit.rank(x);
  const axis = axisOf(ctx, attrInt(ctx.node, 'axis', -1), rank);
  const eps = attrFloat(ctx.node, 'epsilon', 1e-5);
  const dt = emit.dtype(x);
  const axes = [...Array(rank - axis).keys()].map((i) => axis + i);
  const yDims = emit.dims(ctx.outputs[0]!);
  const mean = (t: string): string => emit.reduceMean(t, axes, true);
  const mul = (p: string, q: string): string => emit.op('Mul', [p, q]);
  const sub = (p: string, q: string): string => emit.op('Sub', [p, q]);

  const xc = sub(x, mean(x));
  const r = emit.op('Reciprocal', [
    emit.op('Sqrt', [emit.op('Add', [mean(mul(xc, xc)), emit.scalar(eps, dt)])]),
  ]);
  const xhat = mul(xc, r);
  let dx: string | undefined;
  if (ctx.needs(0)) {
    const dxhat = mul(g, scale);
    dx = mul(r, sub(sub(dxhat, mean(dxhat)), mul(xhat, mean(mul(dxhat, xhat)))));
  }
  const dScale = ctx.needs(1) ? emit.unbroadcast(mul(g, xhat), yDims, scale) : undefined;
  const dBias = bias && ctx.needs(2) ? emit.unbroadcast(g, yDims, bias) : undefined;
  return [dx, dScale, dBias];
};
