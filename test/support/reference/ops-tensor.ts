/** Reference (float64) ops that move data: Reshape, Transpose, Slice, Gather, Concat, Split, Expand… */
import { attrInt, attrInts, findAttribute } from '../../../src/lib/onnx/graph/attributes';
import type { RefOp } from './ops-elementwise';
import { broadcastOffset, broadcastShape, count, forEachIndex, strides } from './tensor';
import type { RefTensor } from './tensor';

const values = (t: RefTensor | undefined): number[] => Array.from(t?.data ?? []);
const norm = (a: number, r: number): number => (a < 0 ? a + r : a);
const withDims = (t: RefTensor, dims: readonly number[]): RefTensor => ({ ...t, dims: [...dims] });

function axesOf(
  node: Parameters<RefOp>[0],
  inputs: readonly (RefTensor | undefined)[],
  opset: number,
): number[] | undefined {
  if (opset >= 13) return inputs[1] ? values(inputs[1]) : undefined;
  return findAttribute(node, 'axes') ? attrInts(node, 'axes') : undefined;
}

const reshape: RefOp = (_n, [x, s]) => {
  const target = values(s).map((d, i) => (d === 0 ? x!.dims[i]! : d));
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  return [
    withDims(
      x!,
      target.map((d) => (d === -1 ? count(x!.dims) / known : d)),
    ),
  ];
};

const unsqueeze: RefOp = (node, inputs, opset) => {
  const x = inputs[0]!;
  const r = x.dims.length + axesOf(node, inputs, opset)!.length;
  const axes = new Set(axesOf(node, inputs, opset)!.map((a) => norm(a, r)));
  const dims: number[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) dims.push(axes.has(i) ? 1 : x.dims[k++]!);
  return [withDims(x, dims)];
};

const squeeze: RefOp = (node, inputs, opset) => {
  const x = inputs[0]!;
  const given = axesOf(node, inputs, opset)?.map((a) => norm(a, x.dims.length));
  return [
    withDims(
      x,
      x.dims.filter((d, i) => (given ? !given.includes(i) : d !== 1)),
    ),
  ];
};

const flatten: RefOp = (node, [x]) => {
  const a = norm(attrInt(node, 'axis', 1), x!.dims.length);
  return [withDims(x!, [count(x!.dims.slice(0, a)), count(x!.dims.slice(a))])];
};

/** Output whose element at multi-index idx is x's element at flat index src(idx). */
function gatherBy(x: RefTensor, dims: readonly number[], src: (idx: number[]) => number): RefTensor {
  const data = new Float64Array(count(dims));
  forEachIndex(dims, (flat, idx) => (data[flat] = x.data[src(idx)]!));
  return { dims: [...dims], data, dtype: x.dtype };
}

const transpose: RefOp = (node, [x]) => {
  const r = x!.dims.length;
  const perm = attrInts(node, 'perm', [...Array(r).keys()].reverse());
  const st = strides(x!.dims);
  return [
    gatherBy(
      x!,
      perm.map((p) => x!.dims[p]!),
      (idx) => idx.reduce((f, v, k) => f + v * st[perm[k]!]!, 0),
    ),
  ];
};

const slice: RefOp = (_n, [x, starts, ends, axesT, stepsT]) => {
  const d = x!.dims;
  const begin = d.map(() => 0);
  const step = d.map(() => 1);
  const out = [...d];
  const axes = axesT ? values(axesT) : values(starts).map((_, i) => i);
  axes.forEach((a0, i) => {
    const a = norm(a0, d.length);
    const st = stepsT ? values(stepsT)[i]! : 1;
    const clamp = (v: number, lo: number, hi: number): number =>
      Math.min(Math.max(v < 0 ? v + d[a]! : v, lo), hi);
    const s = st > 0 ? clamp(values(starts)[i]!, 0, d[a]!) : clamp(values(starts)[i]!, -1, d[a]! - 1);
    const e = st > 0 ? clamp(values(ends)[i]!, 0, d[a]!) : clamp(values(ends)[i]!, -1, d[a]! - 1);
    out[a] = Math.max(0, Math.ceil((e - s) / st));
    begin[a] = s;
    step[a] = st;
  });
  const xs = strides(d);
  return [gatherBy(x!, out, (idx) => idx.reduce((f, v, k) => f + (begin[k]! + v * step[k]!) * xs[k]!, 0))];
};

const gather: RefOp = (node, [x, ind]) => {
  const a = norm(attrInt(node, 'axis', 0), x!.dims.length);
  const dims = [...x!.dims.slice(0, a), ...ind!.dims, ...x!.dims.slice(a + 1)];
  const xs = strides(x!.dims);
  const is = strides(ind!.dims);
  const ir = ind!.dims.length;
  return [
    gatherBy(x!, dims, (idx) => {
      const k = norm(ind!.data[idx.slice(a, a + ir).reduce((f, v, j) => f + v * is[j]!, 0)]!, x!.dims[a]!);
      return [...idx.slice(0, a), k, ...idx.slice(a + ir)].reduce((f, v, j) => f + v * xs[j]!, 0);
    }),
  ];
};

const gatherElements: RefOp = (node, [x, ind]) => {
  const a = norm(attrInt(node, 'axis', 0), x!.dims.length);
  const xs = strides(x!.dims);
  return [
    gatherBy(x!, ind!.dims, (idx) => {
      const flatInd = idx.reduce((f, v, j) => f + v * strides(ind!.dims)[j]!, 0);
      const k = norm(ind!.data[flatInd]!, x!.dims[a]!);
      return idx.reduce((f, v, j) => f + (j === a ? k : v) * xs[j]!, 0);
    }),
  ];
};

const concat: RefOp = (node, xs) => {
  const ts = xs as RefTensor[];
  const a = norm(attrInt(node, 'axis'), ts[0]!.dims.length);
  const dims = [...ts[0]!.dims];
  dims[a] = ts.reduce((s, t) => s + t.dims[a]!, 0);
  const data = new Float64Array(count(dims));
  forEachIndex(dims, (flat, idx) => {
    let k = idx[a]!;
    let t = 0;
    while (k >= ts[t]!.dims[a]!) k -= ts[t++]!.dims[a]!;
    const st = strides(ts[t]!.dims);
    data[flat] = ts[t]!.data[idx.reduce((f, v, j) => f + (j === a ? k : v) * st[j]!, 0)]!;
  });
  return [{ dims, data, dtype: ts[0]!.dtype }];
};

const split: RefOp = (node, [x, s], opset) => {
  const a = norm(attrInt(node, 'axis', 0), x!.dims.length);
  const n = node.output?.length ?? 1;
  const sizes =
    opset >= 13
      ? s
        ? values(s)
        : undefined
      : findAttribute(node, 'split')
        ? attrInts(node, 'split')
        : undefined;
  const chunk = Math.ceil(x!.dims[a]! / n);
  const sz = sizes ?? Array.from({ length: n }, (_, i) => Math.min(chunk, x!.dims[a]! - chunk * i));
  let off = 0;
  const xs = strides(x!.dims);
  return sz.map((len) => {
    const start = off;
    off += len;
    const dims = x!.dims.map((d, i) => (i === a ? len : d));
    return gatherBy(x!, dims, (idx) => idx.reduce((f, v, j) => f + (j === a ? v + start : v) * xs[j]!, 0));
  });
};

const expand: RefOp = (_n, [x, s]) => {
  const dims = broadcastShape(x!.dims, values(s));
  const st = strides(x!.dims);
  return [gatherBy(x!, dims, (idx) => broadcastOffset(x!.dims, st, idx))];
};

export const TENSOR_OPS: Readonly<Record<string, RefOp>> = {
  Reshape: reshape,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Flatten: flatten,
  Transpose: transpose,
  Slice: slice,
  Gather: gather,
  GatherElements: gatherElements,
  Concat: concat,
  Split: split,
  Expand: expand,
};
