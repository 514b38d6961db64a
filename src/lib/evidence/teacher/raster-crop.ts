/** Cutting a window out of decoded pixels, for the models that take a whole image (Florence-2). */
import type { PixelRegion, RasterImage } from '../raster';
import { assertRaster, InvalidRasterError } from '../raster';

/** A copy of `region` of `image`, same channel count. The whole image comes back as it is (no copy). */
export function cropRaster(image: RasterImage, region: PixelRegion): RasterImage {
  assertRaster(image);
  const { x, y, width, height } = region;
  if (
    !Number.isInteger(x) ||
    !Number.isInteger(y) ||
    !(width >= 1 && height >= 1) ||
    x < 0 ||
    y < 0 ||
    x + width > image.width ||
    y + height > image.height
  ) {
    throw new InvalidRasterError(
      `Region ${width}×${height} at (${x}, ${y}) is not inside the ${image.width}×${image.height} image.`,
    );
  }
  if (x === 0 && y === 0 && width === image.width && height === image.height) return image;
  const c = image.channels;
  const out = new Uint8Array(width * height * c);
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * image.width + x) * c;
    out.set(image.data.subarray(from, from + width * c), row * width * c);
  }
  return { width, height, channels: c, data: out };
}
