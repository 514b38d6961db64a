/** Reference (float64) contractions, normalizations and reductions. */
import { attrFloat, attrInt, attrInts, findAttribute } from '../../../src/lib/onnx/graph/attributes';
import type { RefOp } from './ops-elementwise';
import { broadcastOffset, broadcastShape, count, elementwise, forEachIndex, reduce, strides } from './tensor';
import type { RefTensor } from './tensor';

const norm = (a: number, r: number): number => (a < 0 ? a + r : a);

const matmul: RefOp = (_n, [a0, b0]) => {
  const a = a0!.dims.length === 1 ? { ...a0!, dims: [1, a0!.dims[0]!] } : a0!;
  const b = b0!.dims.length === 1 ? { ...b0!, dims: [b0!.dims[0]!, 1] } : b0!;
  const [m, k] = a.dims.slice(-2) as [number, number];
  const n = b.dims[b.dims.length - 1]!;
  const batch = broadcastShape(a.dims.slice(0, -2), b.dims.slice(0, -2));
  const dims = [...batch, m, n];
  const as = strides(a.dims);
  const bs = strides(b.dims);
  const data = new Float64Array(count(dims));
  forEachIndex(dims, (flat, idx) => {
    const bi = idx.slice(0, -2);
    let s = 0;
    for (let t = 0; t < k; t++) {
      s +=
        a.data[broadcastOffset(a.dims, as, [...bi, idx[idx.length - 2]!, t])]! *
        b.data[broadcastOffset(b.dims, bs, [...bi, t, idx[idx.length - 1]!])]!;
    }
    data[flat] = s;
  });
  let out = dims;
  if (a0!.dims.length === 1) out = out.filter((_, i) => i !== out.length - 2);
  if (b0!.dims.length === 1) out = out.slice(0, -1);
  return [{ dims: out, data, dtype: a0!.dtype }];
};

const transpose2 = (t: RefTensor): RefTensor => {
  const [r, c] = t.dims as [number, number];
  const data = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = t.data[i * c + j]!;
  return { dims: [c, r], data, dtype: t.dtype };
};

const gemm: RefOp = (node, [a, b, c], opset) => {
  const A = attrInt(node, 'transA', 0) ? transpose2(a!) : a!;
  const B = attrInt(node, 'transB', 0) ? transpose2(b!) : b!;
  const [y] = matmul(node, [A, B], opset);
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  return [c ? elementwise([y!, c], (p, q) => alpha * p + beta * q) : elementwise([y!], (p) => alpha * p)];
};

const layerNorm: RefOp = (node, [x, scale, bias]) => {
  const r = x!.dims.length;
  const axis = norm(attrInt(node, 'axis', -1), r);
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const axes = [...Array(r - axis).keys()].map((i) => axis + i);
  const mean = reduce(x!, axes, true, (v) => v.reduce((s, q) => s + q, 0) / v.length);
  const xc = elementwise([x!, mean], (p, q) => p - q);
  const v = reduce(xc, axes, true, (w) => w.reduce((s, q) => s + q * q, 0) / w.length);
  const y = elementwise([xc, v, scale!], (p, q, g) => (p / Math.sqrt(q + eps)) * g);
  return [bias ? elementwise([y, bias], (p, q) => p + q) : y];
};

const softmax: RefOp = (node, [x], opset) => {
  const r = x!.dims.length;
  const axis = norm(attrInt(node, 'axis', opset >= 13 ? -1 : 1), r);
  const axes = opset >= 13 ? [axis] : [...Array(r - axis).keys()].map((i) => axis + i);
  const m = reduce(x!, axes, true, (v) => Math.max(...v));
  const e = elementwise([x!, m], (p, q) => Math.exp(p - q));
  const s = reduce(e, axes, true, (v) => v.reduce((a, b) => a + b, 0));
  return [elementwise([e, s], (p, q) => p / q)];
};

function reduceOp(f: (v: number[]) => number): RefOp {
  return (node, [x, axesT], opset) => {
    const r = x!.dims.length;
    const asInput = node.opType === 'ReduceSum' ? opset >= 13 : opset >= 18;
    const given = asInput
      ? axesT
        ? Array.from(axesT.data)
        : []
      : findAttribute(node, 'axes')
        ? attrInts(node, 'axes')
        : [];
    if (given.length === 0 && attrInt(node, 'noop_with_empty_axes', 0)) return [x!];
    const axes = given.length ? given.map((a) => norm(a, r)).sort((a, b) => a - b) : [...Array(r).keys()];
    return [reduce(x!, axes, attrInt(node, 'keepdims', 1) === 1, f)];
  };
}

const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);

export const MATH_OPS: Readonly<Record<string, RefOp>> = {
  MatMul: matmul,
  Gemm: gemm,
  LayerNormalization: layerNorm,
  Softmax: softmax,
  ReduceSum: reduceOp(sum),
  ReduceMean: reduceOp((v) => sum(v) / v.length),
  ReduceLogSumExp: reduceOp((v) => {
    const m = Math.max(...v);
    return m + Math.log(sum(v.map((x) => Math.exp(x - m))));
  }),
};
