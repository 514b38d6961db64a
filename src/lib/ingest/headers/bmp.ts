import { i32le, u16, u32 } from '../bytes';
import { CorruptImageError, TruncatedImageError } from '../errors';
import type { ImageHeader } from '../types';

const BI_RGB = 0;
const BI_BITFIELDS = 3;

export function readBmpHeader(b: Uint8Array, fileName: string): ImageHeader {
  const truncated = (detail: string) => new TruncatedImageError(fileName, 'BMP', detail);
  const corrupt = (detail: string) => new CorruptImageError(fileName, 'BMP', detail);
  const dibSize = u32(b, 14, true);
  if (dibSize === undefined || b.length < 14 + dibSize) throw truncated('it ends inside the header');
  const os2 = dibSize === 12;
  const width = os2 ? u16(b, 18, true)! : i32le(b, 18)!;
  const rawHeight = os2 ? u16(b, 20, true)! : i32le(b, 22)!;
  const bitsPerPixel = u16(b, os2 ? 24 : 28, true)!;
  const compression = os2 ? BI_RGB : u32(b, 30, true)!;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw corrupt(`the header says ${width}×${rawHeight}`);
  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel)) throw corrupt(`${bitsPerPixel} bits per pixel`);
  if (compression === BI_RGB || compression === BI_BITFIELDS) {
    const stride = Math.ceil((width * bitsPerPixel) / 32) * 4;
    const expected = u32(b, 10, true)! + stride * height;
    if (b.length < expected) throw truncated(`it has ${b.length} of ${expected} bytes`);
  }
  return {
    format: 'bmp',
    mime: 'image/bmp',
    width,
    height,
    orientation: 1,
    info: {
      bitDepth: 8,
      colorType: bitsPerPixel <= 8 ? 'palette' : bitsPerPixel === 32 ? 'rgba' : 'rgb',
      hasAlpha: bitsPerPixel === 32,
      animated: false,
      frameCount: 1,
    },
  };
}
