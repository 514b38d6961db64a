import { ascii, u16, u32 } from '../bytes';
import { CorruptImageError, TruncatedImageError } from '../errors';
import { parseExifOrientation } from '../exif';
import type { ImageHeader, Orientation } from '../types';

const FLAG_ANIMATION = 0x02;
const FLAG_ALPHA = 0x10;

const u24le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);

/** WebP: simple lossy (VP8), lossless (VP8L) or extended (VP8X, with alpha, EXIF, animation). */
export function readWebpHeader(b: Uint8Array, fileName: string): ImageHeader {
  const truncated = (detail: string) => new TruncatedImageError(fileName, 'WebP', detail);
  const corrupt = (detail: string) => new CorruptImageError(fileName, 'WebP', detail);
  const riffEnd = 8 + (u32(b, 4, true) ?? 0);
  if (riffEnd > b.length) throw truncated(`it has ${b.length} of ${riffEnd} bytes`);
  let width = 0;
  let height = 0;
  let hasAlpha = false;
  let animated = false;
  let frames = 0;
  let orientation: Orientation = 1;
  for (let pos = 12; pos + 8 <= riffEnd;) {
    const type = ascii(b, pos, 4);
    const size = u32(b, pos + 4, true)!;
    const data = b.subarray(pos + 8, pos + 8 + size);
    if (pos + 8 + size > riffEnd) throw truncated(`the ${type.trim()} chunk is cut short`);
    if (type === 'VP8X' && size >= 10) {
      hasAlpha = (data[0]! & FLAG_ALPHA) !== 0;
      animated = (data[0]! & FLAG_ANIMATION) !== 0;
      width = u24le(data, 4) + 1;
      height = u24le(data, 7) + 1;
    } else if (type === 'VP8 ' && width === 0) {
      if (data[3] !== 0x9d || data[4] !== 0x01 || data[5] !== 0x2a) throw corrupt('bad VP8 start code');
      width = u16(data, 6, true)! & 0x3fff;
      height = u16(data, 8, true)! & 0x3fff;
    } else if (type === 'VP8L' && width === 0) {
      if (data[0] !== 0x2f) throw corrupt('bad VP8L signature');
      const bits = u32(data, 1, true)!;
      width = (bits & 0x3fff) + 1;
      height = ((bits >>> 14) & 0x3fff) + 1;
      hasAlpha = ((bits >>> 28) & 1) === 1;
    } else if (type === 'ANMF') frames++;
    else if (type === 'EXIF') orientation = parseExifOrientation(data);
    pos += 8 + size + (size & 1);
  }
  if (width === 0 || height === 0) throw corrupt('no image size found');
  return {
    format: 'webp',
    mime: 'image/webp',
    width,
    height,
    orientation,
    info: {
      bitDepth: 8,
      colorType: hasAlpha ? 'rgba' : 'rgb',
      hasAlpha,
      animated: animated && frames > 1,
      frameCount: Math.max(frames, 1),
    },
  };
}
