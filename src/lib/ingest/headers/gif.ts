import { ascii, u16 } from '../bytes';
import { CorruptImageError, TruncatedImageError } from '../errors';
import type { ImageHeader } from '../types';

const HEADER_LENGTH = 13;
const EXTENSION = 0x21;
const IMAGE = 0x2c;
const TRAILER = 0x3b;
const GRAPHIC_CONTROL = 0xf9;

/** Skip a chain of data sub-blocks; returns the index after the terminator, or undefined if cut. */
function skipSubBlocks(b: Uint8Array, from: number): number | undefined {
  let p = from;
  while (p < b.length) {
    const size = b[p]!;
    if (size === 0) return p + 1;
    p += size + 1;
  }
  return undefined;
}

/** Count the frames (the studio uses the first one); a GIF cut after its first frame still loads. */
export function readGifHeader(b: Uint8Array, fileName: string): ImageHeader {
  const truncated = (detail: string) => new TruncatedImageError(fileName, 'GIF', detail);
  const corrupt = (detail: string) => new CorruptImageError(fileName, 'GIF', detail);
  if (b.length < HEADER_LENGTH) throw truncated('it ends inside the header');
  const width = u16(b, 6, true)!;
  const height = u16(b, 8, true)!;
  if (width === 0 || height === 0) throw corrupt(`the header says ${width}×${height}`);
  const packed = b[10]!;
  let pos = HEADER_LENGTH + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  let frames = 0;
  let hasAlpha = false;
  let cutShort = false;
  for (;;) {
    const block = b[pos];
    if (block === undefined) {
      cutShort = true;
      break;
    }
    if (block === TRAILER) break;
    let next: number | undefined;
    if (block === EXTENSION) {
      if (b[pos + 1] === GRAPHIC_CONTROL && (b[pos + 3] ?? 0) & 1) hasAlpha = true;
      next = skipSubBlocks(b, pos + 2);
    } else if (block === IMAGE) {
      const descriptorPacked = b[pos + 9];
      if (descriptorPacked === undefined) next = undefined;
      else {
        const localTable = descriptorPacked & 0x80 ? 3 * 2 ** ((descriptorPacked & 7) + 1) : 0;
        next = skipSubBlocks(b, pos + 10 + localTable + 1); // + LZW minimum code size
        if (next !== undefined) frames++;
      }
    } else {
      if (frames === 0) throw corrupt(`unknown block 0x${block.toString(16)} at byte ${pos}`);
      cutShort = true; // garbage after complete frames: browsers show what came before
      break;
    }
    if (next === undefined) {
      cutShort = true;
      break;
    }
    pos = next;
  }
  if (frames === 0) throw truncated('it ends before its first frame is complete');
  const warnings = cutShort ? [`GIF ends early (${ascii(b, 0, 6)}); its complete frames are used`] : [];
  return {
    format: 'gif',
    mime: 'image/gif',
    width,
    height,
    orientation: 1,
    info: { bitDepth: 8, colorType: 'palette', hasAlpha, animated: frames > 1, frameCount: frames },
    warnings,
  };
}
