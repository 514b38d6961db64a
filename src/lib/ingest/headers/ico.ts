import { u16 } from '../bytes';
import { TruncatedImageError } from '../errors';
import type { ImageHeader } from '../types';

/** ICO: several sizes in one file; decoders pick the largest, so that is the size reported. */
export function readIcoHeader(b: Uint8Array, fileName: string): ImageHeader {
  const count = u16(b, 4, true)!;
  if (b.length < 6 + count * 16) throw new TruncatedImageError(fileName, 'ICO', 'its directory is cut short');
  let width = 0;
  let height = 0;
  for (let i = 0; i < count; i++) {
    const w = b[6 + i * 16] || 256;
    const h = b[7 + i * 16] || 256;
    if (w * h > width * height) [width, height] = [w, h];
  }
  return {
    format: 'ico',
    mime: 'image/x-icon',
    width,
    height,
    orientation: 1,
    info: { bitDepth: 8, colorType: 'rgba', hasAlpha: true, animated: false, frameCount: count },
  };
}
