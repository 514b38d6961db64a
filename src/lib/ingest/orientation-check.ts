import type { DecodedPixels } from './decoder';
import type { ImageHeader } from './types';

/**
 * Whether the decoder's pixels are already oriented, so the lib rotates exactly once. For the
 * quarter turns (5–8) the returned aspect ratio is evidence and overrides the decoder's claim; for
 * mirrors and half turns (2–4) and square images the claim is all there is.
 */
export function resolveOrientationApplied(header: ImageHeader, decoded: DecodedPixels): boolean {
  if (header.orientation === 1) return true;
  if (header.orientation < 5 || header.width === header.height) return decoded.orientationApplied;
  const ratio = decoded.width / decoded.height;
  const storedRatio = header.width / header.height;
  const distanceToStored = Math.abs(Math.log(ratio / storedRatio));
  const distanceToOriented = Math.abs(Math.log(ratio * storedRatio));
  if (distanceToStored === distanceToOriented) return decoded.orientationApplied;
  return distanceToOriented < distanceToStored;
}
