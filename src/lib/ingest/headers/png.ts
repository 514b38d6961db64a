import { ascii, u32 } from '../bytes';
import { crc32 } from '../crc32';
import { CorruptImageError, TruncatedImageError } from '../errors';
import { parseExifOrientation } from '../exif';
import type { ColorType, ImageHeader, Orientation } from '../types';

const SIGNATURE_LENGTH = 8;
const COLOR_TYPES: Record<number, { type: ColorType; depths: number[] }> = {
  0: { type: 'gray', depths: [1, 2, 4, 8, 16] },
  2: { type: 'rgb', depths: [8, 16] },
  3: { type: 'palette', depths: [1, 2, 4, 8] },
  4: { type: 'gray-alpha', depths: [8, 16] },
  6: { type: 'rgba', depths: [8, 16] },
};

/**
 * Walk every chunk: IHDR first and well-formed, each CRC right, IDAT present, IEND reached.
 * Browsers show a PNG with a bad CRC or a missing tail partly or not at all, so we refuse it with
 * the reason instead.
 */
export function readPngHeader(b: Uint8Array, fileName: string): ImageHeader {
  const truncated = (detail: string) => new TruncatedImageError(fileName, 'PNG', detail);
  const corrupt = (detail: string) => new CorruptImageError(fileName, 'PNG', detail);
  let header: Omit<ImageHeader, 'orientation'> | undefined;
  let orientation: Orientation = 1;
  let sawIdat = false;
  let pos = SIGNATURE_LENGTH;
  for (;;) {
    const length = u32(b, pos);
    if (length === undefined || pos + 8 > b.length) throw truncated('it ends before the IEND chunk');
    const type = ascii(b, pos + 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type)) throw corrupt(`invalid chunk type at byte ${pos}`);
    const dataEnd = pos + 8 + length;
    if (dataEnd + 4 > b.length) throw truncated(`the ${type} chunk is cut short`);
    const data = b.subarray(pos + 8, dataEnd);
    if (crc32(b.subarray(pos + 4, dataEnd)) !== u32(b, dataEnd)) {
      throw corrupt(`checksum (CRC) mismatch in the ${type} chunk`);
    }
    if (!header && type !== 'IHDR') throw corrupt('the first chunk is not IHDR');
    if (type === 'IHDR') header = readIhdr(data, corrupt);
    else if (type === 'IDAT') sawIdat = true;
    else if (type === 'tRNS' && header) header.info.hasAlpha = true;
    else if (type === 'acTL' && header) {
      const frames = u32(data, 0) ?? 1;
      header.info.animated = frames > 1;
      header.info.frameCount = frames;
    } else if (type === 'eXIf') orientation = parseExifOrientation(data);
    else if (type === 'IEND') break;
    pos = dataEnd + 4;
  }
  if (!header) throw corrupt('no IHDR chunk');
  if (!sawIdat) throw corrupt('no image data (IDAT)');
  return { ...header, orientation };
}

function readIhdr(data: Uint8Array, corrupt: (d: string) => Error): Omit<ImageHeader, 'orientation'> {
  if (data.length !== 13) throw corrupt(`IHDR has ${data.length} bytes instead of 13`);
  const width = u32(data, 0)!;
  const height = u32(data, 4)!;
  const bitDepth = data[8]!;
  const colorCode = data[9]!;
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw corrupt(`IHDR says ${width}×${height}`);
  }
  const color = COLOR_TYPES[colorCode];
  if (!color || !color.depths.includes(bitDepth)) {
    throw corrupt(`IHDR has colour type ${colorCode} with bit depth ${bitDepth}`);
  }
  if (data[10] !== 0 || data[11] !== 0 || (data[12] !== 0 && data[12] !== 1)) {
    throw corrupt('IHDR has an unknown compression, filter or interlace method');
  }
  return {
    format: 'png',
    mime: 'image/png',
    width,
    height,
    info: {
      bitDepth,
      colorType: color.type,
      hasAlpha: color.type === 'rgba' || color.type === 'gray-alpha',
      animated: false,
      frameCount: 1,
      progressive: data[12] === 1,
    },
  };
}
