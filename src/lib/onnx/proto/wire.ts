/**
 * Protocol-buffer wire format primitives (https://protobuf.dev/programming-guides/encoding/).
 * Only what ONNX needs: varints (int32/int64/enum), fixed32 (float), fixed64 (double) and
 * length-delimited fields (strings, bytes, messages, packed repeated scalars).
 */

export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** The input is not a well-formed protobuf message (truncated, bad wire type, overlong varint). */
export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';
}

const TWO_POW_32 = 4294967296;

/** Sequential reader over one buffer; every `bytes` it returns is a view into that buffer, not a copy. */
export class WireReader {
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProtobufDecodeError(`truncated message at byte ${this.pos}`);
  }

  /** A varint as a bigint, 64-bit two's complement interpreted as signed when `signed`. */
  varintBig(signed: boolean): bigint {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
      if ((b & 0x80) === 0) {
        const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
        return signed ? BigInt.asIntN(64, v) : v;
      }
    }
    throw new ProtobufDecodeError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** A varint as a JS number. Exact for |v| < 2^53; int64 fields that may exceed that use varintBig. */
  varint(): number {
    // Fast path: up to 4 bytes (values < 2^28) without bigint.
    let result = 0;
    let shift = 0;
    const start = this.pos;
    for (let i = 0; i < 4; i++) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    this.pos = start;
    return Number(this.varintBig(true));
  }

  /** int32 fields are sign-extended to 64 bits on the wire. */
  int32(): number {
    return Number(BigInt.asIntN(32, this.varintBig(false)));
  }

  float32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  float64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  bytes(): Uint8Array {
    const len = this.varint();
    this.need(len);
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WireType.varint:
        this.varintBig(false);
        return;
      case WireType.fixed64:
        this.need(8);
        this.pos += 8;
        return;
      case WireType.lengthDelimited: {
        const len = this.varint();
        this.need(len);
        this.pos += len;
        return;
      }
      case WireType.fixed32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new ProtobufDecodeError(`unsupported wire type ${wireType} at byte ${this.pos}`);
    }
  }
}

/** Size in bytes of the varint encoding of a non-negative number (< 2^53) or any int64 bigint. */
export function varintSize(v: number | bigint): number {
  if (typeof v === 'number') {
    if (v >= 0 && v < 128) return 1;
    if (v < 0) return 10;
    let n = 1;
    while (v >= 128) {
      v = Math.floor(v / 128);
      n++;
    }
    return n;
  }
  let u = BigInt.asUintN(64, v);
  let n = 1;
  while (u >= 128n) {
    u >>= 7n;
    n++;
  }
  return n;
}

/** Writes into one preallocated buffer whose size the encoder computed beforehand. */
export class WireWriter {
  pos = 0;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  tag(field: number, wireType: WireType): void {
    this.varint(field * 8 + wireType);
  }

  varint(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v < TWO_POW_32) {
      while (v >= 128) {
        this.buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.pos++] = v;
      return;
    }
    let u = BigInt.asUintN(64, BigInt(v));
    while (u >= 128n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  float32(v: number): void {
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  float64(v: number): void {
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  raw(bytes: Uint8Array): void {
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
}
