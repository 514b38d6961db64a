/**
 * Slice: the gradient is dY placed back where the slice came from, zeros elsewhere. Unit steps are one Pad;
 * other steps (e.g. reversal) scatter dY along that axis with ScatterElements first. Needs the starts, ends,
 * axes and steps to be constants and the sliced dims of X to be static.
 */
import { attrInts, int, ints } from '../../graph/attributes';
import type { GradContext, GradientRule } from '../rule';
import { axisOf, dY, expectInputs, reject, staticDims } from '../rule';

interface AxisSlice {
  axis: number;
  start: number;
  count: number;
  step: number;
}

function params(ctx: GradContext): { starts: number[]; ends: number[]; axes?: number[]; steps?: number[] } {
  if (ctx.emit.opset < 10) {
    const axes = attrInts(ctx.node, 'axes', []);
    return {
      starts: attrInts(ctx.node, 'starts'),
      ends: attrInts(ctx.node, 'ends'),
      ...(axes.length ? { axes } : {}),
    };
  }
  const read = (i: number): number[] | undefined => {
    const name = ctx.inputs[i];
    if (!name) return undefined;
    const v = ctx.emit.values(name);
    if (!v) reject(ctx, `input ${i} ('${name}') is not a constant`);
    return v;
  };
  const starts = read(1)!;
  const ends = read(2)!;
  const axes = read(3);
  const steps = read(4);
  return { starts, ends, ...(axes ? { axes } : {}), ...(steps ? { steps } : {}) };
}

function axisSlices(ctx: GradContext, dims: readonly number[]): AxisSlice[] {
  const p = params(ctx);
  return p.starts.map((start0, i) => {
    const axis = axisOf(ctx, p.axes?.[i] ?? i, dims.length);
    const step = p.steps?.[i] ?? 1;
    if (step === 0) reject(ctx, 'step 0');
    const d = dims[axis]!;
    const clamp = (v: number, lo: number, hi: number): number =>
      Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    const start = step > 0 ? clamp(start0, 0, d) : clamp(start0, -1, d - 1);
    const end = step > 0 ? clamp(p.ends[i]!, 0, d) : clamp(p.ends[i]!, -1, d - 1);
    const count = Math.max(0, Math.ceil((end - start) / step));
    return { axis, start, count, step };
  });
}

export const sliceGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 1, 5);
  const none = ctx.inputs.map(() => undefined);
  if (!ctx.needs(0)) return none;
  const { emit } = ctx;
  const x = ctx.inputs[0]!;
  const dims = staticDims(ctx, x);
  const dt = emit.dtype(x);
  let g = dY(ctx);
  const cur = staticDims(ctx, ctx.outputs[0]!);
  const begin = new Array<number>(dims.length).fill(0);
  const end = new Array<number>(dims.length).fill(0);
  for (const s of axisSlices(ctx, dims)) {
    if (s.step === 1) {
      begin[s.axis] = s.start;
      end[s.axis] = dims[s.axis]! - s.start - s.count;
      continue;
    }
    // Scatter the c slices back to their positions start + i·step along this axis.
    // The position table is a constant (no int64 arithmetic at run time: WebGPU has no int64 Expand).
    const strides = cur.map((_, k) => cur.slice(k + 1).reduce((a, b) => a * b, 1));
    const positions = Array.from({ length: cur.reduce((a, b) => a * b, 1) }, (_, flat) => {
      const i = Math.floor(flat / strides[s.axis]!) % cur[s.axis]!;
      return s.start + i * s.step;
    });
    const idx = emit.int64Tensor('slice_grad_positions', cur, positions);
    const full = cur.map((d, k) => (k === s.axis ? dims[k]! : d));
    const zeros = emit.op('Expand', [emit.scalar(0, dt), emit.int64s(full)]);
    g = emit.op('ScatterElements', [zeros, idx, g], { axis: int(s.axis) });
    cur[s.axis] = dims[s.axis]!;
  }
  if (begin.some((v) => v !== 0) || end.some((v) => v !== 0)) {
    const pads = [...begin, ...end];
    g = emit.opset >= 11 ? emit.op('Pad', [g, emit.int64s(pads)]) : emit.op('Pad', [g], { pads: ints(pads) });
  }
  return [g, ...none.slice(1)];
};
