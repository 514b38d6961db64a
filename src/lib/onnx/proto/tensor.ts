/**
 * Typed access to TensorProto data. Readers accept both storages ONNX allows: `rawData` (little-endian bytes,
 * what exporters write) and the typed fallbacks (`floatData`, `int32Data`, `int64Data`, `doubleData`).
 * A reader returns a view into `rawData` when its offset is aligned, else a copy; treat results as read-only.
 */
import type { TensorProto } from './types';

export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

const ELEMENT_BYTES: Partial<Record<number, number>> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.UINT16]: 2,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2,
  [DataType.DOUBLE]: 8,
  [DataType.UINT32]: 4,
  [DataType.UINT64]: 8,
  [DataType.BFLOAT16]: 2,
};

/** The tensor's data type cannot be read or written the way the caller asked. */
export class TensorDataError extends Error {
  override readonly name = 'TensorDataError';
}

export function dataTypeName(dt: number): string {
  return Object.entries(DataType).find(([, v]) => v === dt)?.[0] ?? `dataType(${dt})`;
}

export function elementByteSize(dt: number): number {
  const n = ELEMENT_BYTES[dt];
  if (n === undefined) throw new TensorDataError(`no fixed element size for ${dataTypeName(dt)}`);
  return n;
}

export function isFloatType(dt: number | undefined): boolean {
  return (
    dt === DataType.FLOAT || dt === DataType.FLOAT16 || dt === DataType.DOUBLE || dt === DataType.BFLOAT16
  );
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function assertInMemory(t: TensorProto): void {
  if (t.dataLocation === 1 || (t.externalData?.length ?? 0) > 0)
    throw new TensorDataError(`tensor ${t.name ?? ''} keeps its data in an external file; load it first`);
}

type TypedCtor<A> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): A;
  BYTES_PER_ELEMENT: number;
};

function rawView<A>(t: TensorProto, ctor: TypedCtor<A>): A {
  const raw = t.rawData!;
  const n = raw.byteLength / ctor.BYTES_PER_ELEMENT;
  if (!Number.isInteger(n))
    throw new TensorDataError(`tensor ${t.name ?? ''}: raw data length ${raw.byteLength}`);
  if (raw.byteOffset % ctor.BYTES_PER_ELEMENT === 0) return new ctor(raw.buffer, raw.byteOffset, n);
  return new ctor(raw.slice().buffer, 0, n);
}

function expectType(t: TensorProto, ...types: number[]): void {
  if (!types.includes(t.dataType ?? 0))
    throw new TensorDataError(
      `tensor ${t.name ?? ''} is ${dataTypeName(t.dataType ?? 0)}, expected ${types.map(dataTypeName).join(' or ')}`,
    );
}

const f16Buf = new DataView(new ArrayBuffer(4));

/** IEEE half → float (exact). */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** float → IEEE half, round to nearest even. */
export function floatToHalf(v: number): number {
  f16Buf.setFloat32(0, v);
  const x = f16Buf.getUint32(0);
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && r & 1)) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && r & 1)) r++;
  return sign | r;
}

/** Float data as float32 (float16 and double are converted). */
export function readFloat32(t: TensorProto): Float32Array {
  assertInMemory(t);
  expectType(t, DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE);
  if (t.dataType === DataType.FLOAT16) {
    const h = t.rawData ? rawView(t, Uint16Array) : Uint16Array.from(t.int32Data ?? []);
    return Float32Array.from(h, halfToFloat);
  }
  if (t.dataType === DataType.DOUBLE) return Float32Array.from(readFloat64(t));
  return t.rawData ? rawView(t, Float32Array) : Float32Array.from(t.floatData ?? []);
}

export function readFloat64(t: TensorProto): Float64Array {
  assertInMemory(t);
  expectType(t, DataType.DOUBLE, DataType.FLOAT, DataType.FLOAT16);
  if (t.dataType !== DataType.DOUBLE) return Float64Array.from(readFloat32(t));
  return t.rawData ? rawView(t, Float64Array) : Float64Array.from(t.doubleData ?? []);
}

export function readInt64(t: TensorProto): BigInt64Array {
  assertInMemory(t);
  expectType(t, DataType.INT64);
  return t.rawData ? rawView(t, BigInt64Array) : BigInt64Array.from(t.int64Data ?? []);
}

/** Integer data of any int type (or bool) as JS numbers; throws beyond ±2^53. */
export function readIntegers(t: TensorProto): number[] {
  if (t.dataType === DataType.INT64) {
    return Array.from(readInt64(t), (v) => {
      // INT64_MAX/MIN are common "to the end" sentinels (Slice); clamp them to the safe range.
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
      if (v < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
      return Number(v);
    });
  }
  assertInMemory(t);
  const dt = t.dataType ?? 0;
  const ctors: Partial<Record<number, TypedCtor<ArrayLike<number>>>> = {
    [DataType.INT32]: Int32Array,
    [DataType.INT8]: Int8Array,
    [DataType.UINT8]: Uint8Array,
    [DataType.INT16]: Int16Array,
    [DataType.UINT16]: Uint16Array,
    [DataType.UINT32]: Uint32Array,
    [DataType.BOOL]: Uint8Array,
  };
  const ctor = ctors[dt];
  if (!ctor) throw new TensorDataError(`tensor ${t.name ?? ''} is ${dataTypeName(dt)}, not an integer type`);
  return Array.from(t.rawData ? rawView(t, ctor) : (t.int32Data ?? []));
}

export function readBool(t: TensorProto): boolean[] {
  expectType(t, DataType.BOOL);
  return readIntegers(t).map((v) => v !== 0);
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function make(name: string, dims: readonly number[], dataType: number, raw: Uint8Array): TensorProto {
  const n = elementCount(dims);
  if (raw.byteLength !== n * elementByteSize(dataType))
    throw new TensorDataError(`tensor ${name}: ${raw.byteLength} bytes for dims [${dims.join(',')}]`);
  return { dims: [...dims], dataType, name, rawData: raw };
}

/** Builders store `rawData` as a view of the given array (no copy): do not reuse the array afterwards. */
export function float32Tensor(
  name: string,
  dims: readonly number[],
  data: Float32Array | readonly number[],
): TensorProto {
  return make(
    name,
    dims,
    DataType.FLOAT,
    bytesOf(data instanceof Float32Array ? data : Float32Array.from(data)),
  );
}

export function float16Tensor(name: string, dims: readonly number[], data: ArrayLike<number>): TensorProto {
  return make(name, dims, DataType.FLOAT16, bytesOf(Uint16Array.from(Array.from(data), floatToHalf)));
}

export function float64Tensor(
  name: string,
  dims: readonly number[],
  data: Float64Array | readonly number[],
): TensorProto {
  return make(
    name,
    dims,
    DataType.DOUBLE,
    bytesOf(data instanceof Float64Array ? data : Float64Array.from(data)),
  );
}

export function int64Tensor(
  name: string,
  dims: readonly number[],
  data: BigInt64Array | readonly (number | bigint)[],
): TensorProto {
  const arr = data instanceof BigInt64Array ? data : BigInt64Array.from(data, (v) => BigInt(v));
  return make(name, dims, DataType.INT64, bytesOf(arr));
}

export function int32Tensor(
  name: string,
  dims: readonly number[],
  data: Int32Array | readonly number[],
): TensorProto {
  return make(name, dims, DataType.INT32, bytesOf(data instanceof Int32Array ? data : Int32Array.from(data)));
}

export function boolTensor(
  name: string,
  dims: readonly number[],
  data: readonly boolean[] | Uint8Array,
): TensorProto {
  const arr = data instanceof Uint8Array ? data : Uint8Array.from(data, (b) => (b ? 1 : 0));
  return make(name, dims, DataType.BOOL, arr);
}

/** A copy of `t` that owns its bytes (detaches it from the buffer a model was decoded from). */
export function cloneTensor(t: TensorProto, name = t.name ?? ''): TensorProto {
  return { ...t, name, dims: [...(t.dims ?? [])], ...(t.rawData ? { rawData: t.rawData.slice() } : {}) };
}
