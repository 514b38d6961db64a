import { EmptyFileError, NotAnImageError, UnsupportedFormatError } from './errors';
import { readAvifHeader } from './headers/isobmff';
import { readBmpHeader } from './headers/bmp';
import { readGifHeader } from './headers/gif';
import { readIcoHeader } from './headers/ico';
import { readJpegHeader } from './headers/jpeg';
import { readPngHeader } from './headers/png';
import { readWebpHeader } from './headers/webp';
import { sniffFormat } from './sniff';
import type { ImageFormat, ImageHeader } from './types';

const READERS: Record<ImageFormat, (b: Uint8Array, fileName: string) => ImageHeader> = {
  jpeg: readJpegHeader,
  png: readPngHeader,
  gif: readGifHeader,
  webp: readWebpHeader,
  bmp: readBmpHeader,
  avif: readAvifHeader,
  ico: readIcoHeader,
};

/**
 * Identify the file, check its structure and read its size, orientation and colour facts without
 * decoding a pixel. Throws EmptyFileError, NotAnImageError, UnsupportedFormatError,
 * TruncatedImageError or CorruptImageError.
 */
export function readImageHeader(bytes: Uint8Array, fileName: string): ImageHeader {
  if (bytes.length === 0) throw new EmptyFileError(fileName);
  const sniffed = sniffFormat(bytes);
  if (sniffed.kind === 'not-image') throw new NotAnImageError(fileName, sniffed.detected);
  if (sniffed.kind === 'unsupported')
    throw new UnsupportedFormatError(fileName, sniffed.format, sniffed.hint);
  const header = READERS[sniffed.format](bytes, fileName);
  const misnamed = misnamedNote(sniffed.format, fileName);
  return misnamed === null ? header : { ...header, warnings: [misnamed, ...(header.warnings ?? [])] };
}

/** What each format's files are usually called (lower case, no dot). */
const EXTENSIONS: Record<ImageFormat, readonly string[]> = {
  jpeg: ['jpg', 'jpeg', 'jpe', 'jfif', 'pjpeg', 'pjp'],
  png: ['png', 'apng'],
  gif: ['gif'],
  webp: ['webp'],
  bmp: ['bmp', 'dib'],
  avif: ['avif'],
  ico: ['ico', 'cur'],
};
const FORMAT_NAMES: Record<ImageFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  avif: 'AVIF',
  ico: 'ICO',
};
const IMAGE_EXTENSIONS = new Set([...Object.values(EXTENSIONS).flat(), 'heic', 'heif', 'tif', 'tiff']);

/**
 * "a PNG named .jpg": the file is decoded by its bytes whatever its name says, but a name that claims another
 * image format is worth a note (another tool may trust the name). Names without an image extension say nothing.
 */
export function misnamedNote(format: ImageFormat, fileName: string): string | null {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0 || dot === fileName.length - 1) return null;
  const extension = fileName.slice(dot + 1).toLowerCase();
  if (!IMAGE_EXTENSIONS.has(extension) || EXTENSIONS[format].includes(extension)) return null;
  const name = FORMAT_NAMES[format];
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} named .${fileName.slice(dot + 1)}`;
}
