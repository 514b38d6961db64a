import { describe, expect, it } from 'vitest';
import {
  DataType,
  TensorDataError,
  float16Tensor,
  float32Tensor,
  floatToHalf,
  halfToFloat,
  int64Tensor,
  readFloat32,
  readInt64,
  readIntegers,
} from '../../../../src/lib/onnx/proto';

describe('tensor helpers', () => {
  it('converts float16 exactly for representable values and rounds to nearest even', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 6.103515625e-5, 5.960464477539063e-8])
      expect(halfToFloat(floatToHalf(v))).toBe(v);
    expect(halfToFloat(floatToHalf(1 + 2 ** -11))).toBe(1); // tie → even mantissa
    expect(halfToFloat(floatToHalf(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
    expect(halfToFloat(floatToHalf(1e6))).toBe(Infinity);
    expect(Number.isNaN(halfToFloat(floatToHalf(NaN)))).toBe(true);
  });

  it('reads float16 raw data as float32', () => {
    const t = float16Tensor('h', [3], [1.5, -0.25, 1024]);
    expect(t.dataType).toBe(DataType.FLOAT16);
    expect(Array.from(readFloat32(t))).toEqual([1.5, -0.25, 1024]);
  });

  it('views aligned raw data and copies misaligned raw data', () => {
    const t = float32Tensor('f', [2], [3, 4]);
    expect(readFloat32(t).buffer).toBe(t.rawData!.buffer);
    const shifted = new Uint8Array(9);
    shifted.set(t.rawData!, 1);
    const misaligned = { ...t, rawData: shifted.subarray(1) };
    expect(Array.from(readFloat32(misaligned))).toEqual([3, 4]);
  });

  it('reads int64 exactly and clamps INT64 sentinels to the safe range as numbers', () => {
    const t = int64Tensor('i', [3], [9223372036854775807n, -5n, 7n]);
    expect(readInt64(t)[0]).toBe(9223372036854775807n);
    expect(readIntegers(t)).toEqual([Number.MAX_SAFE_INTEGER, -5, 7]);
  });

  it('refuses external data and wrong types with TensorDataError', () => {
    expect(() => readFloat32({ name: 'e', dataType: 1, dims: [1], dataLocation: 1 })).toThrow(
      TensorDataError,
    );
    expect(() => readInt64(float32Tensor('f', [1], [1]))).toThrow(TensorDataError);
    expect(() => float32Tensor('bad', [3], [1, 2])).toThrow(TensorDataError);
  });
});
