import { orientedSize } from './orientation';
import type { ImageHeader, Size } from './types';

export interface DecodePlan {
  /** Full size as the person sees it (orientation applied). */
  source: Size;
  /** Target size, orientation applied. */
  oriented: Size;
  /** The same target in stored (un-oriented) axes, for decoders that resize before orienting. */
  raw: Size;
  downscaled: boolean;
}

/** Longest side at most `maxSide`, aspect kept, never upscaled, at least 1 pixel. */
export function fitWithin(size: Size, maxSide: number): Size {
  const scale = Math.min(1, maxSide / Math.max(size.width, size.height));
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  };
}

/**
 * Decide the decode size from the header alone, so a 12000×12000 file is decoded straight to
 * 2048×2048 by the platform (createImageBitmap's resizeWidth/resizeHeight) and the full bitmap
 * (576 MB of RGBA) is never allocated by us.
 */
export function planDecode(header: ImageHeader, maxSide: number): DecodePlan {
  const source = orientedSize(header, header.orientation);
  const oriented = fitWithin(source, maxSide);
  return {
    source,
    oriented,
    raw: orientedSize(oriented, header.orientation),
    downscaled: oriented.width !== source.width || oriented.height !== source.height,
  };
}
