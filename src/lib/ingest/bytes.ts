/** Bounds-checked big/little-endian reads; `undefined` past the end so callers can report truncation. */
export function u8(b: Uint8Array, at: number): number | undefined {
  return at >= 0 && at < b.length ? b[at] : undefined;
}

export function u16(b: Uint8Array, at: number, littleEndian = false): number | undefined {
  if (at < 0 || at + 2 > b.length) return undefined;
  const lo = littleEndian ? b[at]! : b[at + 1]!;
  const hi = littleEndian ? b[at + 1]! : b[at]!;
  return (hi << 8) | lo;
}

export function u32(b: Uint8Array, at: number, littleEndian = false): number | undefined {
  if (at < 0 || at + 4 > b.length) return undefined;
  const view = new DataView(b.buffer, b.byteOffset + at, 4);
  return view.getUint32(0, littleEndian);
}

export function i32le(b: Uint8Array, at: number): number | undefined {
  if (at < 0 || at + 4 > b.length) return undefined;
  return new DataView(b.buffer, b.byteOffset + at, 4).getInt32(0, true);
}

export function ascii(b: Uint8Array, at: number, length: number): string {
  let s = '';
  for (let i = at; i < at + length && i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

export function startsWith(b: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (b.length < at + signature.length) return false;
  return signature.every((v, i) => b[at + i] === v);
}
