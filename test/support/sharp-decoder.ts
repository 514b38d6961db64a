import sharp from 'sharp';
import type { DecodedPixels, DecodeRequest, PixelDecoder } from '../../src/lib/ingest';

export interface SharpDecoderOptions {
  /**
   * Let sharp apply EXIF orientation (like a browser does) and report it; off by default, so tests
   * exercise the lib's own orientation code.
   */
  autoOrient?: boolean;
  /** Resize in sharp to the requested size (like createImageBitmap's resizeWidth); on by default. */
  resize?: boolean;
  /** Claim orientationApplied regardless of what was done (to test the lib's evidence check). */
  claimOriented?: boolean;
}

/**
 * The Node stand-in for the browser decoder: sharp (libvips), present as a dependency of
 * transformers.js. Gray stays 1–2 channels and 16-bit stays 16-bit, so the lib's normalization
 * paths are the ones under test.
 */
export function sharpDecoder(options: SharpDecoderOptions = {}): PixelDecoder {
  const { autoOrient = false, resize = true } = options;
  return {
    async decode(bytes: Uint8Array, request: DecodeRequest): Promise<DecodedPixels> {
      const meta = await sharp(bytes).metadata();
      let pipeline = sharp(bytes, { page: 0, pages: 1 });
      if (autoOrient) pipeline = pipeline.rotate();
      const target = autoOrient ? request.oriented : request.raw;
      if (resize)
        pipeline = pipeline.resize(target.width, target.height, { fit: 'fill', kernel: 'lanczos3' });
      const gray = meta.channels !== undefined && meta.channels <= 2 && meta.space === 'b-w';
      const sixteen = meta.depth === 'ushort';
      // libvips works in 8-bit sRGB unless told to keep the 16-bit interpretation.
      if (sixteen) pipeline = pipeline.toColourspace(gray ? 'grey16' : 'rgb16');
      else if (gray) pipeline = pipeline.toColourspace('b-w');
      const { data, info } = await pipeline
        .raw(sixteen ? { depth: 'ushort' } : {})
        .toBuffer({ resolveWithObject: true });
      const samples = sixteen
        ? new Uint16Array(data.buffer, data.byteOffset, data.length / 2)
        : new Uint8Array(data.buffer, data.byteOffset, data.length);
      return {
        width: info.width,
        height: info.height,
        channels: info.channels as 1 | 2 | 3 | 4,
        data: samples,
        orientationApplied: options.claimOriented ?? autoOrient,
      };
    },
  };
}
