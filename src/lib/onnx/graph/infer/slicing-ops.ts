/** Inference for ops that cut, repeat or index tensors: Slice, Split, Expand, Range, Tile, GatherElements. */
import { DataType } from '../../proto/tensor';
import { attrInt, attrInts, findAttribute } from '../attributes';
import type { Dim } from '../tensor-info';
import { broadcastDims, dimsFromValue, known, normAxis, numbers, staticCount } from './common';
import type { Known, OpContext, OpInference, Scalar } from './common';
import { mapValues, stridesOf } from './values';

export interface SliceParams {
  readonly starts: number[];
  readonly ends: number[];
  readonly axes: number[];
  readonly steps: number[];
}

/** Slice's starts/ends/axes/steps (inputs since opset 10), or undefined if not constant. */
export function sliceParams(ctx: OpContext): SliceParams | undefined {
  const n = ctx.node;
  if (ctx.opset < 10) {
    const starts = attrInts(n, 'starts');
    return {
      starts,
      ends: attrInts(n, 'ends'),
      axes: attrInts(
        n,
        'axes',
        starts.map((_, i) => i),
      ),
      steps: starts.map(() => 1),
    };
  }
  const starts = numbers(ctx.inputs[1]);
  const ends = numbers(ctx.inputs[2]);
  if (!starts || !ends) return undefined;
  const axes = n.input?.[3] ? numbers(ctx.inputs[3]) : starts.map((_, i) => i);
  const steps = n.input?.[4] ? numbers(ctx.inputs[4]) : starts.map(() => 1);
  return axes && steps ? { starts, ends, axes, steps } : undefined;
}

/** Effective [start, count, step] of a slice of a dim of size `d`, ONNX clamping rules. */
export function sliceRange(start: number, end: number, step: number, d: number): [number, number] {
  const clampIdx = (v: number, lo: number, hi: number): number =>
    Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
  const s = step > 0 ? clampIdx(start, 0, d) : clampIdx(start, -1, d - 1);
  const e = step > 0 ? clampIdx(end, 0, d) : clampIdx(end, -1, d - 1);
  const count = step > 0 ? Math.max(0, Math.ceil((e - s) / step)) : Math.max(0, Math.ceil((s - e) / -step));
  return [s, count];
}

const slice: OpInference = (ctx) => {
  const x = ctx.inputs[0];
  if (!x?.dims) return [x ? known(x.dtype, null) : undefined];
  const p = sliceParams(ctx);
  if (!p)
    return [
      known(
        x.dtype,
        x.dims.map(() => null),
      ),
    ];
  const dims = [...x.dims];
  const starts = new Array<number>(dims.length).fill(0);
  const steps = new Array<number>(dims.length).fill(1);
  p.axes.forEach((a0, i) => {
    const a = normAxis(ctx, a0, dims.length);
    const d = x.dims![a]!;
    if (typeof d !== 'number') {
      // A symbolic dim survives a full slice; a tail slice [-k:] has k elements (symbols stand for dims ≥ k).
      const toEnd = p.ends[i]! >= Number.MAX_SAFE_INTEGER && p.steps[i] === 1;
      dims[a] = toEnd && p.starts[i] === 0 ? d : toEnd && p.starts[i]! < 0 ? -p.starts[i]! : null;
      return;
    }
    const [s, count] = sliceRange(p.starts[i]!, p.ends[i]!, p.steps[i]!, d);
    dims[a] = count;
    starts[a] = s;
    steps[a] = p.steps[i]!;
  });
  let value: Scalar[] | undefined;
  if (x.value && staticCount(dims) !== null && staticCount(x.dims) !== null) {
    const strides = stridesOf(x.dims as number[]);
    value = mapValues(dims as number[], x.value, (o) =>
      o.reduce((f, v, k) => f + (starts[k]! + v * steps[k]!) * strides[k]!, 0),
    );
  }
  return [known(x.dtype, dims, value)];
};

const split: OpInference = (ctx) => {
  const x = ctx.inputs[0];
  const count = ctx.node.output?.length ?? 0;
  if (!x?.dims) return new Array<Known | undefined>(count).fill(x ? known(x.dtype, null) : undefined);
  const axis = normAxis(ctx, attrInt(ctx.node, 'axis', 0), x.dims.length);
  const given =
    ctx.opset >= 13
      ? ctx.node.input?.[1]
        ? numbers(ctx.inputs[1])
        : undefined
      : findAttribute(ctx.node, 'split')
        ? attrInts(ctx.node, 'split')
        : undefined;
  const d = x.dims[axis];
  let sizes: Dim[];
  if (given) sizes = given;
  else if (typeof d === 'number') {
    const chunk = Math.ceil(d / count);
    sizes = Array.from({ length: count }, (_, i) => Math.min(chunk, d - chunk * i));
  } else sizes = new Array<Dim>(count).fill(null);
  return sizes.map((s) =>
    known(
      x.dtype,
      x.dims!.map((v, i) => (i === axis ? s : v)),
    ),
  );
};

const expand: OpInference = (ctx) => {
  const [x, s] = ctx.inputs;
  const target = dimsFromValue(s);
  if (!x) return [undefined];
  if (!target) return [known(x.dtype, null)];
  const dims = broadcastDims(ctx, [x.dims, target]);
  let value: Scalar[] | undefined;
  if (x.value && staticCount(dims) !== null && staticCount(x.dims) !== null) {
    const xd = x.dims as number[];
    const strides = stridesOf(xd);
    const off = dims!.length - xd.length;
    value = mapValues(dims as number[], x.value, (o) =>
      xd.reduce((f, d, k) => f + (d === 1 ? 0 : o[k + off]! * strides[k]!), 0),
    );
  }
  return [known(x.dtype, dims, value)];
};

const range: OpInference = (ctx) => {
  const [s, l, d] = ctx.inputs.map((k) => numbers(k)?.[0]);
  const dtype = ctx.inputs[0]?.dtype ?? DataType.INT64;
  if (s === undefined || l === undefined || d === undefined) return [known(dtype, [null])];
  const n = Math.max(Math.ceil((l - s) / d), 0);
  return [
    known(
      dtype,
      [n],
      Array.from({ length: n }, (_, i) => s + i * d),
    ),
  ];
};

const tile: OpInference = (ctx) => {
  const [x, r] = ctx.inputs;
  const reps = numbers(r);
  if (!x?.dims || !reps) return [x ? known(x.dtype, x.dims?.map(() => null) ?? null) : undefined];
  return [
    known(
      x.dtype,
      x.dims.map((d, i) => (typeof d === 'number' ? d * reps[i]! : reps[i] === 1 ? d : null)),
    ),
  ];
};

const gatherElements: OpInference = (ctx) => {
  const [data, indices] = ctx.inputs;
  return [data ? known(data.dtype, indices?.dims ?? null) : undefined];
};

export const SLICING_OPS: Readonly<Record<string, OpInference>> = {
  Slice: slice,
  Split: split,
  Expand: expand,
  Range: range,
  Tile: tile,
  GatherElements: gatherElements,
};
