import type { Orientation, RgbaImage, Size } from './types';

/** Orientations 5–8 turn the image by 90°, so width and height swap. */
export const swapsAxes = (orientation: Orientation): boolean => orientation >= 5;

export function orientedSize(size: Size, orientation: Orientation): Size {
  return swapsAxes(orientation) ? { width: size.height, height: size.width } : { ...size };
}

/**
 * Where the displayed pixel (x, y) comes from in the stored image (w × h), per EXIF orientation:
 * 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90°
 * counter-clockwise.
 */
function sourceOf(orientation: Orientation, x: number, y: number, w: number, h: number): [number, number] {
  switch (orientation) {
    case 1:
      return [x, y];
    case 2:
      return [w - 1 - x, y];
    case 3:
      return [w - 1 - x, h - 1 - y];
    case 4:
      return [x, h - 1 - y];
    case 5:
      return [y, x];
    case 6:
      return [y, h - 1 - x];
    case 7:
      return [w - 1 - y, h - 1 - x];
    case 8:
      return [w - 1 - y, x];
  }
}

/** Turn stored pixels into what the person sees. */
export function applyOrientation(image: RgbaImage, orientation: Orientation): RgbaImage {
  if (orientation === 1) return image;
  const { width: w, height: h, data } = image;
  const out = orientedSize(image, orientation);
  const pixels = new Uint8Array(out.width * out.height * 4);
  const source32 = new Uint32Array(data.buffer, data.byteOffset, w * h);
  const target32 = new Uint32Array(pixels.buffer);
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      const [sx, sy] = sourceOf(orientation, x, y, w, h);
      target32[y * out.width + x] = source32[sy * w + sx]!;
    }
  }
  return { ...out, data: pixels };
}
