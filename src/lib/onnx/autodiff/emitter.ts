/**
 * Emits the ops gradient rules are made of into the graph being built, hiding the opset-dependent forms
 * (axes as attribute or input, Split sizes) and caching constants. Every op it emits is an ai.onnx op the
 * ORT WebGPU EP has a kernel for.
 */
import {
  DataType,
  float16Tensor,
  float32Tensor,
  float64Tensor,
  int32Tensor,
  int64Tensor,
} from '../proto/tensor';
import type { Graph } from '../graph/graph';
import { int, ints } from '../graph/attributes';
import type { AttributeValue } from '../graph/attributes';
import type { Known } from '../graph/shape-inference';
import type { Dim } from '../graph/tensor-info';
import { UnresolvedBroadcastError } from './errors';

/** Shape/type facts about a tensor the gradient graph needs, and it is missing. */
export class UnknownShapeError extends Error {
  override readonly name = 'UnknownShapeError';
}

export class Emitter {
  private readonly constants = new Map<string, string>();

  constructor(
    readonly graph: Graph,
    readonly opset: number,
    private readonly known: Map<string, Known>,
  ) {}

  op(type: string, inputs: readonly string[], attrs?: Readonly<Record<string, AttributeValue>>): string {
    return this.graph.add(type, inputs, attrs);
  }

  /** Records facts about an emitted tensor so later rules (and unbroadcast) can use them. */
  declare(name: string, dtype: number, dims: readonly Dim[] | null): string {
    this.known.set(name, { dtype, dims });
    return name;
  }

  info(name: string): Known {
    const k = this.known.get(name);
    if (!k) throw new UnknownShapeError(`no type/shape known for tensor '${name}'`);
    return k;
  }

  dims(name: string): readonly Dim[] {
    const d = this.info(name).dims;
    if (!d) throw new UnknownShapeError(`rank of tensor '${name}' is unknown; pass inputShapes to fix it`);
    return d;
  }

  rank(name: string): number {
    return this.dims(name).length;
  }

  dtype(name: string): number {
    return this.info(name).dtype;
  }

  /** Known numeric values of a tensor (constants after folding), or undefined. */
  values(name: string): number[] | undefined {
    const v = this.known.get(name)?.value;
    return v && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
  }

  /** A scalar constant of the given float type (the forward tensor's dtype, so float16 graphs stay float16). */
  scalar(value: number, dtype: number): string {
    const key = `s:${dtype}:${value}`;
    let name = this.constants.get(key);
    if (!name) {
      const make =
        dtype === DataType.FLOAT16
          ? float16Tensor
          : dtype === DataType.DOUBLE
            ? float64Tensor
            : float32Tensor;
      name = this.graph.addConstant('grad_const', make('', [], [value]));
      this.constants.set(key, name);
      this.known.set(name, { dtype, dims: [], value: [value] });
    }
    return name;
  }

  int64s(values: readonly number[]): string {
    const key = `i:${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.graph.addConstant('grad_i64', int64Tensor('', [values.length], values));
      this.constants.set(key, name);
      this.known.set(name, { dtype: DataType.INT64, dims: [values.length], value: [...values] });
    }
    return name;
  }

  /** A 1-D shape tensor for `name`: a constant when its dims are static, else a Shape node. */
  shapeOf(name: string): string {
    const d = this.dims(name);
    if (d.every((x) => typeof x === 'number')) return this.int64s(d as number[]);
    return this.op('Shape', [name]);
  }

  reduceSum(x: string, axes: readonly number[], keepdims: boolean): string {
    if (axes.length === 0) return x;
    if (this.opset >= 13)
      return this.op('ReduceSum', [x, this.int64s(axes)], { keepdims: int(keepdims ? 1 : 0) });
    return this.op('ReduceSum', [x], { axes: ints(axes), keepdims: int(keepdims ? 1 : 0) });
  }

  reduceMean(x: string, axes: readonly number[], keepdims: boolean): string {
    if (this.opset >= 18)
      return this.op('ReduceMean', [x, this.int64s(axes)], { keepdims: int(keepdims ? 1 : 0) });
    return this.op('ReduceMean', [x], { axes: ints(axes), keepdims: int(keepdims ? 1 : 0) });
  }

  unsqueeze(x: string, axes: readonly number[]): string {
    if (axes.length === 0) return x;
    if (this.opset >= 13) return this.op('Unsqueeze', [x, this.int64s(axes)]);
    return this.op('Unsqueeze', [x], { axes: ints(axes) });
  }

  split(x: string, sizes: readonly number[], axis: number): string[] {
    const attrs = { axis: int(axis), ...(this.opset < 13 ? { split: ints(sizes) } : {}) };
    const inputs = this.opset >= 13 ? [x, this.int64s(sizes)] : [x];
    return this.graph.addNode('Split', inputs, { outputs: sizes.length, attrs }).output!;
  }

  /** Reshapes `x` to the dims of tensor `like` (constant shape when static). */
  reshapeLike(x: string, like: string): string {
    return this.op('Reshape', [x, this.shapeOf(like)]);
  }

  transpose(x: string, perm: readonly number[]): string {
    return this.op('Transpose', [x], { perm: ints(perm) });
  }

  /**
   * Zeros with the shape and type of `like`, a runtime tensor: `like · 0`. Unlike Expand(0, constant shape) this
   * cannot be constant-folded by ORT into an initializer as large as an embedding table.
   */
  zerosLike(like: string): string {
    return this.op('Mul', [like, this.scalar(0, this.dtype(like))]);
  }

  /** An int32 constant (index tables: WebGPU kernels take int32 where they reject int64). */
  int32s(name: string, dims: readonly number[], values: readonly number[]): string {
    const key = `i32:${dims.join('x')}:${values.length > 64 ? `iota${values.length}` : values.join(',')}`;
    let out = this.constants.get(key);
    if (!out) {
      out = this.graph.addConstant(name, int32Tensor('', dims, values));
      this.constants.set(key, out);
      this.known.set(out, { dtype: DataType.INT32, dims: [...dims] });
    }
    return out;
  }

  /** An int64 constant of any shape. */
  int64Tensor(name: string, dims: readonly number[], values: readonly number[]): string {
    const out = this.graph.addConstant(name, int64Tensor('', dims, values));
    this.known.set(out, { dtype: DataType.INT64, dims: [...dims] });
    return out;
  }

  /**
   * Sums a gradient of dims `gradDims` (the broadcast result) down to the dims of `target`: leading axes the
   * target lacks are summed away, and axes where the target has 1 are summed with keepdims.
   */
  unbroadcast(grad: string, gradDims: readonly Dim[], target: string): string {
    const t = this.dims(target);
    const lead = gradDims.length - t.length;
    if (lead < 0)
      throw new UnresolvedBroadcastError(
        `gradient of rank ${gradDims.length} for '${target}' (rank ${t.length})`,
      );
    const keepAxes: number[] = [];
    t.forEach((d, i) => {
      const g = gradDims[i + lead];
      if (d === g) return;
      if (d === 1) keepAxes.push(i + lead);
      else if (typeof g === 'number' && g === 1)
        return; // cannot happen in valid broadcasting: d is the output dim
      else if (typeof d === 'number' && typeof g === 'number')
        throw new UnresolvedBroadcastError(`dim ${g} does not broadcast to ${d} for '${target}'`);
      else
        throw new UnresolvedBroadcastError(
          `cannot tell statically whether dim ${i} of '${target}' (${String(d)}) was broadcast to ${String(g)}; ` +
            'pass inputShapes to fix the dims',
        );
    });
    let out = this.reduceSum(grad, keepAxes, true);
    if (lead > 0) out = this.reduceSum(out, [...Array(lead).keys()], false);
    return out;
  }
}
