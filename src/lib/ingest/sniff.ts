import { ascii, startsWith, u16, u32 } from './bytes';
import type { ImageFormat } from './types';

export type SniffResult =
  | { kind: 'image'; format: ImageFormat; mime: string }
  | { kind: 'unsupported'; format: string; hint?: string }
  | { kind: 'not-image'; detected?: string };

const MIME: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  avif: 'image/avif',
  ico: 'image/x-icon',
};

const image = (format: ImageFormat): SniffResult => ({ kind: 'image', format, mime: MIME[format] });

const HEIC_HINT =
  'Convert it to JPEG first (on an iPhone: Settings → Camera → Formats → Most Compatible; ' +
  'on a Mac: open it in Preview and export as JPEG).';

/** Identify a file by its magic bytes; the extension and the browser's MIME type are not trusted. */
export function sniffFormat(b: Uint8Array): SniffResult {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return image('jpeg');
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return image('png');
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return image('gif');
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return image('webp');
  if (ascii(b, 0, 2) === 'BM' && b.length >= 26 && u32(b, 14, true)! >= 12) return image('bmp');
  if (ascii(b, 4, 4) === 'ftyp') return sniffIsoBmff(b);
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { kind: 'unsupported', format: 'TIFF', hint: 'Convert it to JPEG or PNG first.' };
  }
  if (startsWith(b, [0xff, 0x0a]) || (ascii(b, 4, 4) === 'JXL ' && u32(b, 0) === 12)) {
    return { kind: 'unsupported', format: 'JPEG XL' };
  }
  if (ascii(b, 4, 4) === 'jP  ' && u32(b, 0) === 12) return { kind: 'unsupported', format: 'JPEG 2000' };
  if (ascii(b, 0, 4) === '8BPS') return { kind: 'unsupported', format: 'Photoshop (PSD)' };
  if (startsWith(b, [0, 0, 1, 0]) && (u16(b, 4, true) ?? 0) > 0 && b[8] === 0) return image('ico');
  return sniffNonImage(b);
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);

function sniffIsoBmff(b: Uint8Array): SniffResult {
  const boxSize = Math.min(u32(b, 0) ?? 0, b.length);
  const brands = [ascii(b, 8, 4)];
  for (let at = 16; at + 4 <= boxSize; at += 4) brands.push(ascii(b, at, 4));
  if (brands.includes('avif') || brands.includes('avis')) return image('avif');
  if (brands.some((brand) => HEIF_BRANDS.has(brand))) {
    // HEVC-coded brands (heic, heix, hevc…) are what iPhones write; mif1/msf1 alone is generic HEIF.
    const name = brands.some((brand) => brand.startsWith('he')) ? 'HEIC' : 'HEIF';
    return { kind: 'unsupported', format: name, hint: HEIC_HINT };
  }
  if (brands.some((brand) => ['isom', 'mp41', 'mp42', 'qt  ', 'M4V '].includes(brand))) {
    return { kind: 'not-image', detected: 'video file' };
  }
  return { kind: 'not-image' };
}

function sniffNonImage(b: Uint8Array): SniffResult {
  if (ascii(b, 0, 5) === '%PDF-') return { kind: 'not-image', detected: 'PDF document' };
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return { kind: 'not-image', detected: 'ZIP archive' };
  const head = new TextDecoder('utf-8').decode(b.subarray(0, 1024));
  if (/<svg[\s>]/i.test(head)) return { kind: 'unsupported', format: 'SVG', hint: 'Export it as PNG first.' };
  if (looksLikeText(b.subarray(0, 1024))) return { kind: 'not-image', detected: 'text file' };
  return { kind: 'not-image' };
}

function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20)) control++;
  }
  return control / head.length < 0.02;
}
