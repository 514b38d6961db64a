import { ascii, u32 } from '../bytes';
import { CorruptImageError } from '../errors';
import type { ImageHeader } from '../types';

interface Box {
  type: string;
  start: number;
  end: number;
}

function* boxes(b: Uint8Array, from: number, to: number): Generator<Box> {
  let pos = from;
  while (pos + 8 <= to) {
    let size = u32(b, pos)!;
    let header = 8;
    if (size === 1) {
      const high = u32(b, pos + 8) ?? 0;
      size = high * 2 ** 32 + (u32(b, pos + 12) ?? 0);
      header = 16;
    } else if (size === 0) size = to - pos;
    if (size < header) return;
    yield { type: ascii(b, pos + 4, 4), start: pos + header, end: Math.min(pos + size, to) };
    pos += size;
  }
}

const FULL_BOX = 4;

function child(b: Uint8Array, parent: Box, type: string, skip = 0): Box | undefined {
  for (const box of boxes(b, parent.start + skip, parent.end)) if (box.type === type) return box;
  return undefined;
}

/**
 * AVIF: the size is in the first `ispe` property (meta → iprp → ipco). Rotation and mirroring
 * (`irot`, `imir`) are always applied by the decoder itself, so orientation is 1 here.
 */
export function readAvifHeader(b: Uint8Array, fileName: string): ImageHeader {
  const corrupt = (detail: string) => new CorruptImageError(fileName, 'AVIF', detail);
  const root: Box = { type: 'file', start: 0, end: b.length };
  const ftyp = child(b, root, 'ftyp');
  const meta = child(b, root, 'meta');
  const iprp = meta && child(b, meta, 'iprp', FULL_BOX);
  const ipco = iprp && child(b, iprp, 'ipco');
  const ispe = ipco && child(b, ipco, 'ispe');
  if (!ispe) throw corrupt('no image size property (ispe)');
  const width = u32(b, ispe.start + FULL_BOX) ?? 0;
  const height = u32(b, ispe.start + FULL_BOX + 4) ?? 0;
  if (width === 0 || height === 0) throw corrupt(`the header says ${width}×${height}`);
  const text = ipco ? ascii(b, ipco.start, ipco.end - ipco.start) : '';
  const hasAlpha = text.includes('auxiliary:alpha');
  const animated = ftyp !== undefined && ascii(b, ftyp.start, 4) === 'avis';
  return {
    format: 'avif',
    mime: 'image/avif',
    width,
    height,
    orientation: 1,
    info: { bitDepth: 8, colorType: hasAlpha ? 'rgba' : 'rgb', hasAlpha, animated, frameCount: 1 },
  };
}
