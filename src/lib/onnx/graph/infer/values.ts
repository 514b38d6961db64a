/** Reading tracked values out of tensors (initializers, Constant attributes) and moving them by index maps. */
import { DataType, elementCount, isFloatType, readFloat64, readIntegers } from '../../proto/tensor';
import type { TensorProto } from '../../proto/types';
import { MAX_TRACKED, known, stridesOf } from './common';
import type { Known, Scalar } from './common';

export function knownOfTensor(t: TensorProto): Known {
  const dims = t.dims ?? [];
  const dtype = t.dataType ?? 0;
  const n = elementCount(dims);
  if (n > MAX_TRACKED || t.dataLocation === 1 || dtype === DataType.STRING) return { dtype, dims };
  try {
    const value = isFloatType(dtype) ? Array.from(readFloat64(t)) : readIntegers(t);
    return known(dtype, dims, value);
  } catch {
    return { dtype, dims }; // e.g. bfloat16: shape only
  }
}

/** Output values where each output multi-index reads input flat index `src(idx)`. */
export function mapValues(
  outDims: readonly number[],
  input: readonly Scalar[],
  src: (idx: number[]) => number,
): Scalar[] {
  const n = elementCount(outDims);
  const out = new Array<Scalar>(n);
  const idx = new Array<number>(outDims.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    out[flat] = input[src(idx)] ?? null;
    for (let k = outDims.length - 1; k >= 0; k--) {
      if (++idx[k]! < outDims[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

export function flatIndex(idx: readonly number[], strides: readonly number[]): number {
  let f = 0;
  for (let k = 0; k < idx.length; k++) f += idx[k]! * strides[k]!;
  return f;
}

export { stridesOf };
