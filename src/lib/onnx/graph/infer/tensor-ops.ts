/** Inference for ops that create, read or rearrange tensors: Constant, Shape, Gather, Reshape, Slice, Concat… */
import { DataType } from '../../proto/tensor';
import { attrInt, attrInts, findAttribute } from '../attributes';
import type { Dim } from '../tensor-info';
import { dimsFromValue, known, normAxis, numbers, staticCount } from './common';
import { SLICING_OPS } from './slicing-ops';
import type { OpContext, OpInference, Scalar } from './common';
import { flatIndex, knownOfTensor, mapValues, stridesOf } from './values';

const constant: OpInference = (ctx) => {
  const n = ctx.node;
  const t = findAttribute(n, 'value')?.t;
  if (t) return [knownOfTensor(t)];
  const a = n.attribute?.[0];
  if (a?.f !== undefined) return [known(DataType.FLOAT, [], [a.f])];
  if (a?.i !== undefined) return [known(DataType.INT64, [], [Number(a.i)])];
  if (a?.name === 'value_floats') return [known(DataType.FLOAT, [a.floats?.length ?? 0], a.floats ?? [])];
  if (a?.name === 'value_ints') {
    const v = (a.ints ?? []).map(Number);
    return [known(DataType.INT64, [v.length], v)];
  }
  return [undefined];
};

const constantOfShape: OpInference = (ctx) => {
  const dims = dimsFromValue(ctx.inputs[0]) ?? null;
  const t = findAttribute(ctx.node, 'value')?.t;
  const fill = t ? knownOfTensor(t) : known(DataType.FLOAT, [1], [0]);
  const n = staticCount(dims);
  const v = fill.value?.[0];
  return [known(fill.dtype, dims, n !== null && v !== undefined ? new Array<Scalar>(n).fill(v) : undefined)];
};

const shape: OpInference = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.dims) return [known(DataType.INT64, [null])];
  const r = x.dims.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = clamp(attrInt(ctx.node, 'start', 0));
  const end = clamp(attrInt(ctx.node, 'end', r));
  const dims = x.dims.slice(start, Math.max(start, end));
  return [known(DataType.INT64, [dims.length], dims)];
};

const size: OpInference = (ctx) => {
  const n = staticCount(ctx.inputs[0]?.dims);
  return [known(DataType.INT64, [], n === null ? undefined : [n])];
};

const gather: OpInference = (ctx) => {
  const [data, indices] = ctx.inputs;
  if (!data?.dims || !indices?.dims) return [data ? known(data.dtype, null) : undefined];
  const axis = normAxis(ctx, attrInt(ctx.node, 'axis', 0), data.dims.length);
  const dims = [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)];
  const idx = numbers(indices);
  if (!data.value || !idx || staticCount(dims) === null) return [known(data.dtype, dims)];
  const dd = data.dims as number[];
  const strides = stridesOf(dd);
  const ir = indices.dims.length;
  const value = mapValues(dims as number[], data.value, (o) => {
    const i = flatIndex(o.slice(axis, axis + ir), stridesOf(indices.dims as number[]));
    let k = idx[i]!;
    if (k < 0) k += dd[axis]!;
    return flatIndex([...o.slice(0, axis), k, ...o.slice(axis + ir)], strides);
  });
  return [known(data.dtype, dims, value)];
};

const sameAsInput =
  (i = 0): OpInference =>
  (ctx) => {
    const x = ctx.inputs[i];
    return [x ? known(x.dtype, x.dims) : undefined];
  };

function axesOf(ctx: OpContext, sinceOpset: number): number[] | undefined {
  if (ctx.opset >= sinceOpset) return ctx.node.input?.[1] ? numbers(ctx.inputs[1]) : undefined;
  return findAttribute(ctx.node, 'axes') ? attrInts(ctx.node, 'axes') : undefined;
}

const unsqueeze: OpInference = (ctx) => {
  const x = ctx.inputs[0];
  const axes = axesOf(ctx, 13);
  if (!x?.dims || !axes) return [x ? known(x.dtype, null) : undefined];
  const r = x.dims.length + axes.length;
  const set = new Set(axes.map((a) => normAxis(ctx, a, r)));
  const dims: Dim[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) dims.push(set.has(i) ? 1 : x.dims[k++]!);
  return [known(x.dtype, dims, x.value)];
};

const squeeze: OpInference = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.dims) return [x ? known(x.dtype, null) : undefined];
  const given = axesOf(ctx, 13);
  const axes = given
    ? given.map((a) => normAxis(ctx, a, x.dims!.length))
    : x.dims.flatMap((d, i) => (d === 1 ? [i] : []));
  return [
    known(
      x.dtype,
      x.dims.filter((_, i) => !axes.includes(i)),
      x.value,
    ),
  ];
};

const concat: OpInference = (ctx) => {
  const xs = ctx.inputs;
  const first = xs.find((k) => k?.dims);
  if (!first?.dims || xs.some((k) => !k?.dims)) return [first ? known(first.dtype, null) : undefined];
  const r = first.dims.length;
  const axis = normAxis(ctx, attrInt(ctx.node, 'axis'), r);
  const dims = [...first.dims];
  const parts = xs.map((k) => k!.dims![axis]!);
  dims[axis] = parts.every((p) => typeof p === 'number')
    ? (parts as number[]).reduce((a, b) => a + b, 0)
    : null;
  let value: Scalar[] | undefined;
  if (xs.every((k) => k!.value) && staticCount(dims) !== null) {
    // Row-major concat: interleave blocks of (dims[axis..] product) from each input.
    const outer = (dims.slice(0, axis) as number[]).reduce((a, b) => a * b, 1);
    value = [];
    for (let o = 0; o < outer; o++)
      for (const k of xs) {
        const block = staticCount(k!.dims!.slice(axis))!;
        value.push(...k!.value!.slice(o * block, (o + 1) * block));
      }
  }
  return [known(first.dtype, dims, value)];
};

/** The one dim of `out` that -1 stands for, by cancelling known factors of the input against the output. */
function inferMinusOne(inDims: readonly Dim[], outDims: readonly Dim[]): Dim {
  let num = 1;
  const syms: string[] = [];
  for (const d of inDims) {
    if (typeof d === 'number') num *= d;
    else if (typeof d === 'string') syms.push(d);
    else return null;
  }
  for (const d of outDims) {
    if (typeof d === 'number') {
      if (d === -1) continue;
      num /= d;
    } else if (typeof d === 'string') {
      const i = syms.indexOf(d);
      if (i < 0) return null;
      syms.splice(i, 1);
    } else return null;
  }
  if (syms.length === 0) return Number.isInteger(num) ? num : null;
  return syms.length === 1 && num === 1 ? syms[0]! : null;
}

const reshape: OpInference = (ctx) => {
  const [x, s] = ctx.inputs;
  const target = dimsFromValue(s);
  if (!x || !target)
    return [
      x
        ? known(
            x.dtype,
            s?.dims?.[0] !== undefined && typeof s.dims[0] === 'number'
              ? new Array<Dim>(s.dims[0]).fill(null)
              : null,
          )
        : undefined,
    ];
  const allowZero = attrInt(ctx.node, 'allowzero', 0) === 1;
  let dims: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? (x.dims?.[i] ?? null) : d));
  if (dims.includes(-1)) {
    const m = x.dims ? inferMinusOne(x.dims, dims) : null;
    dims = dims.map((d) => (d === -1 ? m : d));
  }
  return [known(x.dtype, dims, x.value)];
};

const flatten: OpInference = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.dims) return [x ? known(x.dtype, [null, null]) : undefined];
  const axis = attrInt(ctx.node, 'axis', 1);
  const a = axis < 0 ? axis + x.dims.length : axis;
  return [known(x.dtype, [staticCount(x.dims.slice(0, a)), staticCount(x.dims.slice(a))], x.value)];
};

const transpose: OpInference = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.dims) return [x ? known(x.dtype, null) : undefined];
  const r = x.dims.length;
  const perm = attrInts(ctx.node, 'perm', [...Array(r).keys()].reverse());
  const dims = perm.map((p) => x.dims![p]!);
  let value: Scalar[] | undefined;
  if (x.value && staticCount(x.dims) !== null) {
    const strides = stridesOf(x.dims as number[]);
    value = mapValues(dims as number[], x.value, (o) => o.reduce((f, v, k) => f + v * strides[perm[k]!]!, 0));
  }
  return [known(x.dtype, dims, value)];
};

export const TENSOR_OPS: Readonly<Record<string, OpInference>> = {
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Shape: shape,
  Size: size,
  Gather: gather,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Concat: concat,
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  ...SLICING_OPS,
  Trilu: sameAsInput(),
  CumSum: sameAsInput(),
  ScatterND: sameAsInput(),
  ScatterElements: sameAsInput(),
  Pad: (ctx) => [
    ctx.inputs[0] ? known(ctx.inputs[0].dtype, ctx.inputs[0].dims?.map(() => null) ?? null) : undefined,
  ],
};
