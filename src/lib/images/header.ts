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
  return READERS[sniffed.format](bytes, fileName);
}
