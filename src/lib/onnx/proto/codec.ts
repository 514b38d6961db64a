/**
 * Schema-driven protobuf codec for the ONNX messages in schema.ts.
 * Decoding keeps `bytes` fields as views into the input (zero-copy initializers) and keeps every field it does not
 * model as raw bytes; encoding writes known fields in field-number order (as protobuf's own serializers do), then
 * the unknown ones, so decode → encode of a model written by protobuf gives the same bytes.
 */
import { ProtobufDecodeError, WireReader, WireType, WireWriter, varintSize } from './wire';
import type { FieldSpec, MessageSpec, ScalarKind } from './schema';

type Obj = Record<string, unknown> & { unknownFields?: Uint8Array[] };

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

function decodeString(bytes: Uint8Array): string {
  // Names in ONNX files are almost always short ASCII; skip TextDecoder's per-call overhead for them.
  if (bytes.length < 48) {
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) ascii = false;
    if (ascii) return String.fromCharCode(...bytes);
  }
  return utf8Decoder.decode(bytes);
}

function scalarWireType(kind: ScalarKind): WireType {
  if (kind === 'float') return WireType.fixed32;
  if (kind === 'double') return WireType.fixed64;
  return WireType.varint;
}

function readScalar(r: WireReader, kind: ScalarKind): number | bigint {
  switch (kind) {
    case 'int32':
      return r.int32();
    case 'int64':
      return r.varint();
    case 'int64big':
      return r.varintBig(true);
    case 'uint64big':
      return r.varintBig(false);
    case 'float':
      return r.float32();
    case 'double':
      return r.float64();
  }
}

function decodeInto(r: WireReader, end: number, spec: MessageSpec): Obj {
  const out: Obj = {};
  while (r.pos < end) {
    const tagStart = r.pos;
    const tag = r.varint();
    const no = Math.floor(tag / 8);
    const wireType = tag & 7;
    const field = spec.byNumber.get(no);
    if (!field || !readKnownField(r, field, wireType, out)) {
      r.skip(wireType);
      (out.unknownFields ??= []).push(r.buf.subarray(tagStart, r.pos));
    }
  }
  if (r.pos !== end) throw new ProtobufDecodeError(`${spec.name} overruns its length at byte ${r.pos}`);
  return out;
}

/** Returns false when the wire type does not match the field (protobuf then treats it as unknown). */
function readKnownField(r: WireReader, field: FieldSpec, wireType: number, out: Obj): boolean {
  const set = (v: unknown): void => {
    if (field.repeated) ((out[field.key] ??= []) as unknown[]).push(v);
    else out[field.key] = v;
  };
  if (field.kind === 'string' || field.kind === 'bytes' || field.kind === 'message') {
    if (wireType !== WireType.lengthDelimited) return false;
    if (field.kind === 'message') {
      const len = r.varint();
      set(decodeInto(r, r.pos + len, field.message!()));
    } else {
      const bytes = r.bytes();
      set(field.kind === 'string' ? decodeString(bytes) : bytes);
    }
    return true;
  }
  if (field.repeated && wireType === WireType.lengthDelimited) {
    const len = r.varint();
    const end = r.pos + len;
    const list = (out[field.key] ??= []) as unknown[];
    while (r.pos < end) list.push(readScalar(r, field.kind));
    if (r.pos !== end) throw new ProtobufDecodeError(`packed field ${field.key} overruns its length`);
    return true;
  }
  if (wireType !== scalarWireType(field.kind)) return false;
  set(readScalar(r, field.kind));
  return true;
}

export function decodeMessage<T>(bytes: Uint8Array, spec: MessageSpec): T {
  const r = new WireReader(bytes);
  return decodeInto(r, bytes.length, spec) as T;
}

// ---------------------------------------------------------------------------------------------- encoding

/** Per-call caches so sizes and UTF-8 bytes are computed once, in the sizing pass, and reused when writing. */
interface EncodeState {
  sizes: Map<object, number>;
  strings: Map<string, Uint8Array>;
}

function utf8(s: string, state: EncodeState): Uint8Array {
  let b = state.strings.get(s);
  if (!b) {
    b = utf8Encoder.encode(s);
    state.strings.set(s, b);
  }
  return b;
}

function scalarSize(kind: ScalarKind, v: number | bigint): number {
  if (kind === 'float') return 4;
  if (kind === 'double') return 8;
  return varintSize(v);
}

function valueSize(field: FieldSpec, v: unknown, state: EncodeState): number {
  switch (field.kind) {
    case 'string': {
      const n = utf8(v as string, state).length;
      return varintSize(n) + n;
    }
    case 'bytes': {
      const n = (v as Uint8Array).length;
      return varintSize(n) + n;
    }
    case 'message': {
      const n = messageSize(v as Obj, field.message!(), state);
      return varintSize(n) + n;
    }
    default:
      return scalarSize(field.kind, v as number | bigint);
  }
}

function packedPayloadSize(field: FieldSpec, list: unknown[]): number {
  const kind = field.kind as ScalarKind;
  if (kind === 'float') return 4 * list.length;
  if (kind === 'double') return 8 * list.length;
  let n = 0;
  for (const v of list) n += varintSize(v as number | bigint);
  return n;
}

function messageSize(obj: Obj, spec: MessageSpec, state: EncodeState): number {
  const cached = state.sizes.get(obj);
  if (cached !== undefined) return cached;
  let n = 0;
  for (const field of spec.fields) {
    const v = obj[field.key];
    if (v === undefined) continue;
    const tagSize = varintSize(field.no * 8);
    if (!field.repeated) {
      n += tagSize + valueSize(field, v, state);
      continue;
    }
    const list = v as unknown[];
    if (list.length === 0) continue;
    if (field.packed) {
      const payload = packedPayloadSize(field, list);
      n += tagSize + varintSize(payload) + payload;
    } else for (const item of list) n += tagSize + valueSize(field, item, state);
  }
  for (const u of obj.unknownFields ?? []) n += u.length;
  state.sizes.set(obj, n);
  return n;
}

function writeScalar(w: WireWriter, kind: ScalarKind, v: number | bigint): void {
  if (kind === 'float') w.float32(v as number);
  else if (kind === 'double') w.float64(v as number);
  else w.varint(v);
}

function writeValue(w: WireWriter, field: FieldSpec, v: unknown, state: EncodeState): void {
  switch (field.kind) {
    case 'string': {
      w.tag(field.no, WireType.lengthDelimited);
      const b = utf8(v as string, state);
      w.varint(b.length);
      w.raw(b);
      return;
    }
    case 'bytes':
      w.tag(field.no, WireType.lengthDelimited);
      w.varint((v as Uint8Array).length);
      w.raw(v as Uint8Array);
      return;
    case 'message': {
      const spec = field.message!();
      w.tag(field.no, WireType.lengthDelimited);
      w.varint(messageSize(v as Obj, spec, state));
      writeMessage(w, v as Obj, spec, state);
      return;
    }
    default:
      w.tag(field.no, scalarWireType(field.kind));
      writeScalar(w, field.kind, v as number | bigint);
  }
}

function writeMessage(w: WireWriter, obj: Obj, spec: MessageSpec, state: EncodeState): void {
  for (const field of spec.fields) {
    const v = obj[field.key];
    if (v === undefined) continue;
    if (!field.repeated) {
      writeValue(w, field, v, state);
      continue;
    }
    const list = v as unknown[];
    if (list.length === 0) continue;
    if (field.packed) {
      w.tag(field.no, WireType.lengthDelimited);
      w.varint(packedPayloadSize(field, list));
      for (const item of list) writeScalar(w, field.kind as ScalarKind, item as number | bigint);
    } else for (const item of list) writeValue(w, field, item, state);
  }
  for (const u of obj.unknownFields ?? []) w.raw(u);
}

export function encodeMessage<T extends object>(obj: T, spec: MessageSpec): Uint8Array {
  const state: EncodeState = { sizes: new Map(), strings: new Map() };
  const size = messageSize(obj as Obj, spec, state);
  const w = new WireWriter(new Uint8Array(size));
  writeMessage(w, obj as Obj, spec, state);
  if (w.pos !== size) throw new Error(`internal: ${spec.name} wrote ${w.pos} bytes, sized ${size}`);
  return w.buf;
}
