/**
 * Structured clone copies a typed array's whole underlying buffer, so a view into a larger buffer
 * (a file slice, a Node Buffer from a pool) would store bytes that are not its own. Copy those.
 */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}
