/** Reference (float64) elementwise ops. */
import { attrFloat, attrInt, attrString } from '../../../src/lib/onnx/graph/attributes';
import type { NodeProto } from '../../../src/lib/onnx/proto/types';
import { elementwise, erf } from './tensor';
import type { RefTensor } from './tensor';

export type RefOp = (
  node: NodeProto,
  inputs: readonly (RefTensor | undefined)[],
  opset: number,
) => RefTensor[];

const u =
  (f: (x: number) => number): RefOp =>
  (_n, [x]) => [elementwise([x!], f)];
const b =
  (f: (a: number, b: number) => number, dtype?: number): RefOp =>
  (_n, xs) => [elementwise(xs as RefTensor[], f, dtype)];
const BOOL = 9;
const isInt = (dt: number): boolean => ![1, 10, 11, 16].includes(dt);

const gelu: RefOp = (node, [x]) => {
  const approx = attrString(node, 'approximate', 'none');
  const k = Math.sqrt(2 / Math.PI);
  return [
    elementwise([x!], (v) =>
      approx === 'tanh'
        ? 0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v ** 3)))
        : 0.5 * v * (1 + erf(v / Math.SQRT2)),
    ),
  ];
};

const cast: RefOp = (node, [x]) => {
  const to = attrInt(node, 'to');
  const f =
    to === BOOL
      ? (v: number): number => (v !== 0 ? 1 : 0)
      : isInt(to)
        ? Math.trunc
        : (v: number): number => v;
  return [{ ...elementwise([x!], f), dtype: to }];
};

export const ELEMENTWISE_OPS: Readonly<Record<string, RefOp>> = {
  Identity: (_n, [x]) => [x!],
  Dropout: (_n, [x]) => [x!],
  Neg: u((x) => -x),
  Abs: u(Math.abs),
  Exp: u(Math.exp),
  Log: u(Math.log),
  Sqrt: u(Math.sqrt),
  Reciprocal: u((x) => 1 / x),
  Tanh: u(Math.tanh),
  Sigmoid: u((x) => 1 / (1 + Math.exp(-x))),
  Relu: u((x) => Math.max(0, x)),
  Erf: u(erf),
  Gelu: gelu,
  Cast: cast,
  Add: b((p, q) => p + q),
  Sub: b((p, q) => p - q),
  Mul: b((p, q) => p * q),
  Div: (_n, [p, q]) => [
    elementwise([p!, q!], isInt(p!.dtype) ? (x, y) => Math.trunc(x / y) : (x, y) => x / y),
  ],
  Pow: b((p, q) => p ** q),
  Max: (_n, xs) => [elementwise(xs as RefTensor[], Math.max)],
  Min: (_n, xs) => [elementwise(xs as RefTensor[], Math.min)],
  Sum: (_n, xs) => [elementwise(xs as RefTensor[], (...v) => v.reduce((s, x) => s + x, 0))],
  Equal: b((p, q) => +(p === q), BOOL),
  Less: b((p, q) => +(p < q), BOOL),
  Greater: b((p, q) => +(p > q), BOOL),
  GreaterOrEqual: b((p, q) => +(p >= q), BOOL),
  LessOrEqual: b((p, q) => +(p <= q), BOOL),
  Where: (_n, [c, x, y]) => [elementwise([c!, x!, y!], (cv, xv, yv) => (cv ? xv : yv))],
  LeakyRelu: (node, [x]) => {
    const alpha = attrFloat(node, 'alpha', 0.01);
    return [elementwise([x!], (v) => (v >= 0 ? v : alpha * v))];
  },
};
