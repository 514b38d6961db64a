import type { ImageFormat, Orientation, Size } from './types';

/** What the lib asks the platform decoder for (sizes from `planDecode`). */
export interface DecodeRequest {
  format: ImageFormat;
  mime: string;
  orientation: Orientation;
  /** Wanted size in stored (un-oriented) axes. */
  raw: Size;
  /** The same size with orientation applied. */
  oriented: Size;
}

/** Decoded samples, row-major and interleaved. */
export interface DecodedPixels {
  width: number;
  height: number;
  /** 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA (not premultiplied). */
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array | Uint16Array;
  /** True when the decoder already turned the pixels per EXIF (browsers do, by default). */
  orientationApplied: boolean;
}

/**
 * The platform's pixel decoder: createImageBitmap + OffscreenCanvas in the browser
 * (workers/platform/browser-decoder.ts), sharp in Node tests (test/support/sharp-decoder.ts).
 * It returns the requested size or larger; the lib does the final, deterministic resize.
 */
export interface PixelDecoder {
  decode(bytes: Uint8Array, request: DecodeRequest): Promise<DecodedPixels>;
}
