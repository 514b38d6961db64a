/** Inference for elementwise ops: unary maps, broadcasting binary ops, comparisons, Where, Cast. */
import { DataType, isFloatType } from '../../proto/tensor';
import { attrInt } from '../attributes';
import { broadcastDims, broadcastIndex, known, staticCount } from './common';
import type { Known, OpContext, OpInference, Scalar } from './common';

type NumFn = (...xs: number[]) => number;

/** Applies `f` elementwise with broadcasting when every input's values are known and numeric. */
function evaluate(
  ctx: OpContext,
  dims: readonly (number | string | null)[] | null,
  f: NumFn,
): number[] | undefined {
  const n = staticCount(dims);
  if (n === null || ctx.inputs.some((k) => !k?.value || !k.dims)) return undefined;
  const outDims = dims as number[];
  const maps = ctx.inputs.map((k) => broadcastIndex(k!.dims as number[], outDims));
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const xs = ctx.inputs.map((k, j) => k!.value![maps[j]![i]!]);
    if (!xs.every((x): x is number => typeof x === 'number')) return undefined;
    out[i] = f(...xs);
  }
  return out;
}

function toDtype(dtype: number, v: number): number {
  if (dtype === DataType.BOOL) return v !== 0 ? 1 : 0;
  if (isFloatType(dtype)) return dtype === DataType.FLOAT ? Math.fround(v) : v;
  return Math.trunc(v);
}

function unary(f?: NumFn, outType?: number): OpInference {
  return (ctx) => {
    const x = ctx.inputs[0];
    if (!x) return [undefined];
    const dtype = outType ?? x.dtype;
    const value = f ? evaluate(ctx, x.dims, (v) => toDtype(dtype, f(v))) : undefined;
    return [known(dtype, x.dims, value)];
  };
}

/** Type and shape of the first input, no values: for an elementwise op whose values inference does not compute. */
export const SAME_AS_INPUT: OpInference = unary();

function binary(f?: NumFn, outType?: number): OpInference {
  return (ctx) => {
    const present = ctx.inputs.filter((k): k is Known => !!k);
    if (present.length !== ctx.inputs.length || present.length === 0) return [undefined];
    const dims = broadcastDims(
      ctx,
      present.map((k) => k.dims),
    );
    const dtype = outType ?? present[0]!.dtype;
    const intDiv = (a: number, b: number): number => (isFloatType(dtype) ? a / b : Math.trunc(a / b));
    const g = f === DIV ? intDiv : f;
    const value = g ? evaluate(ctx, dims, (...xs) => toDtype(dtype, g(...xs))) : undefined;
    return [known(dtype, dims, value)];
  };
}

const DIV: NumFn = (a, b) => a / b;
const b2n = (b: boolean): number => (b ? 1 : 0);

/** Cast keeps symbolic dims flowing (Shape → Cast → … chains), so it does not go through `evaluate`. */
const cast: OpInference = (ctx) => {
  const x = ctx.inputs[0];
  if (!x) return [undefined];
  const to = attrInt(ctx.node, 'to');
  const value = x.value?.map((v: Scalar) => (typeof v === 'number' ? toDtype(to, v) : v));
  return [known(to, x.dims, value)];
};

const castLike: OpInference = (ctx) => {
  const [x, like] = ctx.inputs;
  if (!x || !like) return [undefined];
  const value = x.value?.map((v: Scalar) => (typeof v === 'number' ? toDtype(like.dtype, v) : v));
  return [known(like.dtype, x.dims, value)];
};

const where: OpInference = (ctx) => {
  const [c, a, b] = ctx.inputs;
  if (!c || !a || !b) return [undefined];
  const dims = broadcastDims(ctx, [c.dims, a.dims, b.dims]);
  return [
    known(
      a.dtype,
      dims,
      evaluate(ctx, dims, (cv, av, bv) => (cv ? av : bv)),
    ),
  ];
};

const dropout: OpInference = (ctx) => {
  const x = ctx.inputs[0];
  return x ? [known(x.dtype, x.dims, x.value), known(DataType.BOOL, x.dims)] : [undefined, undefined];
};

export const ELEMENTWISE: Readonly<Record<string, OpInference>> = {
  Identity: (ctx) => [ctx.inputs[0]],
  Neg: unary((x) => -x),
  Abs: unary(Math.abs),
  Sqrt: unary(Math.sqrt),
  Exp: unary(Math.exp),
  Log: unary(Math.log),
  Reciprocal: unary((x) => 1 / x),
  Floor: unary(Math.floor),
  Ceil: unary(Math.ceil),
  Tanh: unary(Math.tanh),
  Sigmoid: unary((x) => 1 / (1 + Math.exp(-x))),
  Relu: unary((x) => Math.max(0, x)),
  Sin: unary(Math.sin),
  Cos: unary(Math.cos),
  // Ops without a JS twin here are shaped, never folded.
  Erf: unary(),
  Gelu: unary(),
  Softplus: unary(),
  LeakyRelu: unary(),
  Clip: (ctx) => unary()({ ...ctx, inputs: ctx.inputs.slice(0, 1) }),
  Softmax: unary(),
  LogSoftmax: unary(),
  Not: unary((x) => b2n(!x), DataType.BOOL),
  IsNaN: unary((x) => b2n(Number.isNaN(x)), DataType.BOOL),
  IsInf: unary(undefined, DataType.BOOL),
  Cast: cast,
  CastLike: castLike,
  Dropout: dropout,
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary(DIV),
  Pow: binary((a, b) => a ** b),
  Mod: binary((a, b) => a - Math.floor(a / b) * b),
  Max: binary(Math.max),
  Min: binary(Math.min),
  Sum: binary((...xs) => xs.reduce((s, x) => s + x, 0)),
  Mean: binary((...xs) => xs.reduce((s, x) => s + x, 0) / xs.length),
  Equal: binary((a, b) => b2n(a === b), DataType.BOOL),
  Less: binary((a, b) => b2n(a < b), DataType.BOOL),
  LessOrEqual: binary((a, b) => b2n(a <= b), DataType.BOOL),
  Greater: binary((a, b) => b2n(a > b), DataType.BOOL),
  GreaterOrEqual: binary((a, b) => b2n(a >= b), DataType.BOOL),
  And: binary((a, b) => b2n(!!a && !!b), DataType.BOOL),
  Or: binary((a, b) => b2n(!!a || !!b), DataType.BOOL),
  Xor: binary((a, b) => b2n(!!a !== !!b), DataType.BOOL),
  Where: where,
};
