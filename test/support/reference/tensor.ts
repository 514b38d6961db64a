/** Float64 tensors for the test-only reference interpreter (every dtype stored as float64 values). */
export interface RefTensor {
  readonly dims: readonly number[];
  readonly data: Float64Array;
  /** ONNX data type the value stands for (1 float, 7 int64, 9 bool…): Cast and integer Div use it. */
  readonly dtype: number;
}

export const ref = (dims: readonly number[], data: ArrayLike<number>, dtype = 1): RefTensor => ({
  dims: [...dims],
  data: Float64Array.from(data),
  dtype,
});

export const count = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

export function broadcastShape(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => {
    let d = 1;
    for (const s of shapes) {
      const e = s[s.length - rank + i] ?? 1;
      if (e !== 1) {
        if (d !== 1 && d !== e) throw new Error(`reference: cannot broadcast [${shapes.join('] [')}]`);
        d = e;
      }
    }
    return d;
  });
}

/** Calls f(outFlat, multiIndex) for every element of `dims`, row-major. */
export function forEachIndex(dims: readonly number[], f: (flat: number, idx: number[]) => void): void {
  const n = count(dims);
  const idx = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    f(flat, idx);
    for (let k = dims.length - 1; k >= 0; k--) {
      if (++idx[k]! < dims[k]!) break;
      idx[k] = 0;
    }
  }
}

/** Flat index of `t` read at output multi-index `idx` under numpy broadcasting. */
export function broadcastOffset(
  t: readonly number[],
  tStrides: readonly number[],
  idx: readonly number[],
): number {
  const off = idx.length - t.length;
  let f = 0;
  for (let k = 0; k < t.length; k++) if (t[k] !== 1) f += idx[k + off]! * tStrides[k]!;
  return f;
}

export function elementwise(
  inputs: readonly RefTensor[],
  f: (...xs: number[]) => number,
  dtype?: number,
): RefTensor {
  const dims = broadcastShape(...inputs.map((t) => t.dims));
  const st = inputs.map((t) => strides(t.dims));
  const out = new Float64Array(count(dims));
  const xs = new Array<number>(inputs.length);
  forEachIndex(dims, (flat, idx) => {
    for (let j = 0; j < inputs.length; j++)
      xs[j] = inputs[j]!.data[broadcastOffset(inputs[j]!.dims, st[j]!, idx)]!;
    out[flat] = f(...xs);
  });
  return { dims, data: out, dtype: dtype ?? inputs[inputs.length === 3 ? 1 : 0]!.dtype };
}

/** Reduces over `axes` (sorted, normalized) with f(values) → value, keeping them as 1s when keepdims. */
export function reduce(
  t: RefTensor,
  axes: readonly number[],
  keepdims: boolean,
  f: (v: number[]) => number,
): RefTensor {
  const set = new Set(axes);
  const kept = t.dims.map((d, i) => (set.has(i) ? 1 : d));
  const groups = new Map<number, number[]>();
  const ks = strides(kept);
  forEachIndex(t.dims, (flat, idx) => {
    let o = 0;
    for (let k = 0; k < idx.length; k++) if (!set.has(k)) o += idx[k]! * ks[k]!;
    const g = groups.get(o);
    if (g) g.push(t.data[flat]!);
    else groups.set(o, [t.data[flat]!]);
  });
  const data = new Float64Array(count(kept));
  for (const [o, v] of groups) data[o] = f(v);
  return { dims: keepdims ? kept : t.dims.filter((_, i) => !set.has(i)), data, dtype: t.dtype };
}

/** erf to ~1e-15: Taylor series near 0, continued fraction for erfc in the tails. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))) (Lentz-free backward evaluation).
  let f = ax;
  for (let n = 60; n >= 1; n--) f = ax + n / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}
