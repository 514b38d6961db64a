/**
 * LayerNormalization over axes [axis, rank): y = x̂·γ + β, x̂ = (x − μ)·r, r = 1/√(σ² + ε).
 *   dx = r · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)),  dx̂ = dY·γ;  dγ = Σ dY·x̂;  dβ = Σ dY.
 * μ and r come from the forward kernel itself: its optional Mean and InvStdDev outputs (added to the node here when
 * it has none) are what it computed anyway, so x̂ costs two ops instead of eight recomputing them (ReduceMean, Sub,
 * Mul, ReduceMean, Add, Sqrt, Reciprocal, Mul): six kernels fewer per layer norm in the step. Checked on the CPU,
 * WASM and WebGPU EPs against numpy (both outputs, within float32 rounding). They come in the stash type (float32
 * unless the node says otherwise), so a float16 graph recomputes them in its own type instead. The decomposed
 * form torch exports for older opsets needs no rule of its own: it is made of ReduceMean, Sub, Pow, Add, Sqrt,
 * Div and Mul, which all have one.
 */
import { attrFloat, attrInt } from '../../graph/attributes';
import { DataType } from '../../proto/tensor';
import type { GradContext, GradientRule } from '../rule';
import { axisOf, dY, expectInputs, reject } from '../rule';

/** μ and r as the forward kernel's outputs 1 and 2, named and declared here when the node did not have them. */
function savedStatistics(ctx: GradContext, axis: number): { mean: string; invStd: string } {
  const { node, emit } = ctx;
  const x = ctx.inputs[0]!;
  const y = ctx.outputs[0]!;
  const outputs = [...(node.output ?? [])];
  const statDims = emit.dims(x).map((d, i) => (i < axis ? d : 1));
  const named = (i: number, suffix: string): string => {
    if (outputs[i]) return outputs[i]!;
    outputs[i] = emit.declare(`${y}/${suffix}`, DataType.FLOAT, statDims);
    return outputs[i]!;
  };
  const mean = named(1, 'saved_mean');
  const invStd = named(2, 'saved_inv_std_dev');
  node.output = outputs;
  return { mean, invStd };
}

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

  const stash = attrInt(ctx.node, 'stash_type', DataType.FLOAT);
  let xhat: string;
  let r: string;
  if (dt === DataType.FLOAT && stash === DataType.FLOAT) {
    const saved = savedStatistics(ctx, axis);
    r = saved.invStd;
    xhat = mul(sub(x, saved.mean), r);
  } else {
    const xc = sub(x, mean(x));
    r = emit.op('Reciprocal', [emit.op('Sqrt', [emit.op('Add', [mean(mul(xc, xc)), emit.scalar(eps, dt)])])]);
    xhat = mul(xc, r);
  }
  let dx: string | undefined;
  if (ctx.needs(0)) {
    const dxhat = mul(g, scale);
    dx = mul(r, sub(sub(dxhat, mean(dxhat)), mul(xhat, mean(mul(dxhat, xhat)))));
  }
  const dScale = ctx.needs(1) ? emit.unbroadcast(mul(g, xhat), yDims, scale) : undefined;
  const dBias = bias && ctx.needs(2) ? emit.unbroadcast(g, yDims, bias) : undefined;
  return [dx, dScale, dBias];
};
