/**
 * Decoded pixels, as the platform hands them over: a browser's ImageData (RGBA) or sharp's raw output
 * (RGB or RGBA). Rows are top to bottom, pixels interleaved, 8 bits per channel.
 */
export interface RasterImage {
  readonly width: number;
  readonly height: number;
  /** 3 (RGB) or 4 (RGBA; alpha is ignored). */
  readonly channels: 3 | 4;
  readonly data: Uint8Array | Uint8ClampedArray;
}

export class InvalidRasterError extends Error {
  override readonly name = 'InvalidRasterError';
}

export function assertRaster(image: RasterImage): void {
  const expected = image.width * image.height * image.channels;
  if (!(image.width >= 1 && image.height >= 1) || image.data.length !== expected) {
    throw new InvalidRasterError(
      `Image of ${image.width}×${image.height}×${image.channels} needs ${expected} bytes, got ${image.data.length}.`,
    );
  }
}

/** A window of an image in whole pixels. */
export interface PixelRegion {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
