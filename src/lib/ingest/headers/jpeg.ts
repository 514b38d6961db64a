import { ascii, u16 } from '../bytes';
import { CorruptImageError, TruncatedImageError } from '../errors';
import { exifTiffBlock, parseExifOrientation } from '../exif';
import type { ColorType, ImageHeader, Orientation } from '../types';

const SOI_LENGTH = 2;
const EOI = 0xd9;
const SOS = 0xda;
const APP1 = 0xe1;
const APP14 = 0xee;
/** Frame headers: baseline, extended, progressive, lossless, with Huffman or arithmetic coding. */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const isStandalone = (m: number) => (m >= 0xd0 && m <= 0xd7) || m === 0x01;

interface Frame {
  width: number;
  height: number;
  precision: number;
  components: number;
  progressive: boolean;
}

/**
 * Walk the JPEG's marker segments up to EOI. Browsers decode a cut-off JPEG without complaint and
 * paint the missing part grey, which would silently poison a caption, so a file must reach its
 * end-of-image marker, through every segment and every entropy-coded scan, to be accepted.
 */
export function readJpegHeader(b: Uint8Array, fileName: string): ImageHeader {
  const truncated = (detail: string) => new TruncatedImageError(fileName, 'JPEG', detail);
  const corrupt = (detail: string) => new CorruptImageError(fileName, 'JPEG', detail);
  let frame: Frame | undefined;
  let orientation: Orientation = 1;
  let sawExif = false;
  let adobeTransform: number | undefined;
  let pos = SOI_LENGTH;
  for (;;) {
    if (pos >= b.length) throw truncated('it ends before the end-of-image marker');
    if (b[pos] !== 0xff) throw corrupt(`expected a marker at byte ${pos}`);
    while (b[pos] === 0xff) pos++; // fill bytes
    const marker = b[pos];
    if (marker === undefined) throw truncated('it ends inside a marker');
    pos++;
    if (marker === EOI) break;
    if (isStandalone(marker)) continue;
    const length = u16(b, pos);
    if (length === undefined) throw truncated('it ends inside a segment header');
    if (length < 2) throw corrupt(`segment 0x${marker.toString(16)} has length ${length}`);
    const end = pos + length;
    if (end > b.length) throw truncated(`segment 0x${marker.toString(16)} is cut short`);
    const payload = b.subarray(pos + 2, end);
    if (SOF.has(marker)) {
      frame = readFrame(payload, marker, corrupt);
    } else if (marker === APP1 && !sawExif) {
      const tiff = exifTiffBlock(payload);
      if (tiff) {
        sawExif = true;
        orientation = parseExifOrientation(tiff);
      }
    } else if (marker === APP14 && ascii(payload, 0, 5) === 'Adobe' && payload.length >= 12) {
      adobeTransform = payload[11];
    }
    pos = end;
    if (marker === SOS) {
      if (!frame) throw corrupt('a scan starts before the frame header');
      pos = skipEntropyCodedData(b, pos);
      if (pos >= b.length) throw truncated('the image data is cut short before the end-of-image marker');
    }
  }
  if (!frame) throw corrupt('no frame header (SOF)');
  return {
    format: 'jpeg',
    mime: 'image/jpeg',
    width: frame.width,
    height: frame.height,
    orientation,
    info: {
      bitDepth: frame.precision,
      colorType: jpegColorType(frame.components, adobeTransform),
      hasAlpha: false,
      animated: false,
      frameCount: 1,
      progressive: frame.progressive,
      adobe: adobeTransform !== undefined,
    },
  };
}

function readFrame(payload: Uint8Array, marker: number, corrupt: (d: string) => Error): Frame {
  const precision = payload[0];
  const height = u16(payload, 1);
  const width = u16(payload, 3);
  const components = payload[5];
  if (precision === undefined || height === undefined || width === undefined || components === undefined) {
    throw corrupt('the frame header is too short');
  }
  if (width === 0 || height === 0) throw corrupt(`the frame header says ${width}×${height}`);
  if (![1, 3, 4].includes(components)) throw corrupt(`${components} colour components`);
  return { width, height, precision, components, progressive: marker === 0xc2 || marker === 0xca };
}

/** Index of the first marker after a scan's entropy-coded data (0xFF00 is a stuffed byte, 0xFFD0–D7 restarts). */
function skipEntropyCodedData(b: Uint8Array, from: number): number {
  let i = from;
  for (;;) {
    i = b.indexOf(0xff, i);
    if (i < 0 || i + 1 >= b.length) return b.length;
    const next = b[i + 1]!;
    if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) {
      i += next === 0xff ? 1 : 2;
      continue;
    }
    return i;
  }
}

function jpegColorType(components: number, adobeTransform: number | undefined): ColorType {
  if (components === 1) return 'gray';
  if (components === 4) return adobeTransform === 2 ? 'ycck' : 'cmyk';
  return adobeTransform === 0 ? 'rgb' : 'ycbcr';
}
