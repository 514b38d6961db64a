import { ascii, u16, u32 } from './bytes';
import type { Orientation } from './types';

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/**
 * The EXIF orientation (tag 0x0112 of IFD0) from a TIFF-structured block (the APP1 payload after
 * "Exif\0\0", or a WebP/PNG EXIF chunk). 1 when absent, malformed or out of 1..8: a broken EXIF
 * block must never stop an image from loading.
 */
export function parseExifOrientation(block: Uint8Array): Orientation {
  // Some writers (libvips in WebP and PNG) keep the JPEG-style "Exif\0\0" prefix in the chunk.
  const tiff = exifTiffBlock(block) ?? block;
  const order = ascii(tiff, 0, 2);
  if (order !== 'II' && order !== 'MM') return 1;
  const le = order === 'II';
  if (u16(tiff, 2, le) !== 42) return 1;
  const ifd = u32(tiff, 4, le);
  if (ifd === undefined) return 1;
  const count = u16(tiff, ifd, le);
  if (count === undefined) return 1;
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    const tag = u16(tiff, entry, le);
    if (tag === undefined) return 1;
    if (tag !== ORIENTATION_TAG) continue;
    if (u16(tiff, entry + 2, le) !== SHORT) return 1;
    const value = u16(tiff, entry + 8, le);
    return value !== undefined && value >= 1 && value <= 8 ? (value as Orientation) : 1;
  }
  return 1;
}

/** The APP1 payload starts with "Exif\0\0" and then the TIFF block. */
export function exifTiffBlock(app1: Uint8Array): Uint8Array | undefined {
  return ascii(app1, 0, 4) === 'Exif' && app1[4] === 0 && app1[5] === 0 ? app1.subarray(6) : undefined;
}
