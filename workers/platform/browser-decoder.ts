import type { DecodedPixels, DecodeRequest, ImageFormat, PixelDecoder } from '../../src/lib/ingest';

/**
 * Whether createImageBitmap applies the file's EXIF orientation itself, per format. Measured in
 * Chromium 156 (headless, Debian): JPEG (APP1) and PNG (eXIf) come out rotated for every
 * `imageOrientation` value ('none' now means the same as 'from-image', so it cannot be switched
 * off); WebP's EXIF orientation is ignored. GIF, BMP and ICO carry none; AVIF's irot/imir are
 * always applied by the decoder. Where this table is wrong for a quarter turn (5–8), the lib notices
 * from the returned aspect ratio and still rotates exactly once (orientation-check.ts).
 */
const DECODER_ORIENTS: Record<ImageFormat, boolean> = {
  jpeg: true,
  png: true,
  webp: false,
  gif: true,
  bmp: true,
  avif: true,
  ico: true,
};

/**
 * The browser's pixel decoder for src/lib/ingest, in a worker: createImageBitmap decodes straight to
 * the planned size (resizeWidth / resizeHeight, which Chromium applies AFTER orientation, so the
 * oriented size is asked for when it orients), then an OffscreenCanvas reads the RGBA back.
 */
export function browserDecoder(): PixelDecoder {
  return {
    async decode(bytes: Uint8Array, request: DecodeRequest): Promise<DecodedPixels> {
      const orients = DECODER_ORIENTS[request.format];
      const size = orients ? request.oriented : request.raw;
      const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: request.mime });
      const bitmap = await createImageBitmap(blob, {
        imageOrientation: 'from-image',
        premultiplyAlpha: 'none',
        resizeWidth: size.width,
        resizeHeight: size.height,
        resizeQuality: 'high',
      });
      try {
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d', { willReadFrequently: true });
        if (!context) throw new Error('no 2D context on OffscreenCanvas');
        context.drawImage(bitmap, 0, 0);
        const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
        return {
          width: bitmap.width,
          height: bitmap.height,
          channels: 4,
          data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
          orientationApplied: orients,
        };
      } finally {
        bitmap.close();
      }
    },
  };
}
