import type { PixelDecoder } from './decoder';
import { DecodeFailedError, ImageTooLargeError, isImageIngestError } from './errors';
import { imageId } from './hash';
import { readImageHeader } from './header';
import { hasTransparentPixel, normalizePixels } from './normalize';
import { applyOrientation } from './orientation';
import { planDecode } from './plan';
import { downscaleAreaAverage, resizeAreaAverage } from './resize';
import { resolveOrientationApplied } from './orientation-check';
import type { ImageFormat, ImageHeader, ImageInfo, Orientation, RgbaImage } from './types';

export interface DecodeOptions {
  /** Longest side of the normalized pixels (2048 stored, 224 for the student, 256 thumbnails). */
  maxSide?: number;
  /** Above this many source pixels nothing is decoded (ImageTooLargeError). */
  maxSourcePixels?: number;
}

export interface IngestOptions extends DecodeOptions {
  thumbnailSide?: number;
}

export const DEFAULT_MAX_SIDE = 2048;
export const DEFAULT_THUMBNAIL_SIDE = 256;
export const DEFAULT_STUDENT_SIDE = 224;
/** 268 megapixels, the limit sharp/libvips also use by default; a 12000×12000 image (144 MP) passes. */
export const DEFAULT_MAX_SOURCE_PIXELS = 16384 * 16384;

export interface DecodedImage {
  header: ImageHeader;
  /** Full size, orientation applied. */
  sourceWidth: number;
  sourceHeight: number;
  pixels: RgbaImage;
  warnings: string[];
}

/** Everything ingest learns about an image besides its pixels (the store keeps it as the image's meta). */
export interface ImageDescription {
  /** SHA-256 of the file bytes. */
  id: string;
  name: string;
  mime: string;
  format: ImageFormat;
  byteLength: number;
  /** Size of the normalized pixels (orientation applied, at most the stored max side). */
  width: number;
  height: number;
  /** Full size as the person sees it. */
  sourceWidth: number;
  sourceHeight: number;
  orientation: Orientation;
  info: ImageInfo;
  warnings: string[];
}

export interface IngestRecord extends ImageDescription {
  pixels: RgbaImage;
  thumbnail: RgbaImage;
}

/** `transparent`: the decoded pixels have a pixel that is not opaque (the header only says one may be). */
function headerWarnings(header: ImageHeader, transparent: boolean): string[] {
  const { info, format } = header;
  const warnings = [...(header.warnings ?? [])];
  if (info.animated)
    warnings.push(`animated ${format.toUpperCase()} (${info.frameCount} frames): first frame used`);
  if (info.colorType === 'cmyk' || info.colorType === 'ycck') {
    warnings.push(`${info.colorType.toUpperCase()} JPEG: colours converted to RGB`);
  }
  if (info.bitDepth === 16) warnings.push('16 bits per channel: reduced to 8');
  if (info.hasAlpha && transparent) warnings.push('transparent areas shown on white');
  return warnings;
}

/**
 * Header check, planned (downscaled) decode, normalization to opaque RGBA, orientation applied
 * exactly once, then the exact target size. Rejects only with ImageIngestError subclasses.
 */
export async function decodeImage(
  bytes: Uint8Array,
  fileName: string,
  decoder: PixelDecoder,
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  const maxSide = options.maxSide ?? DEFAULT_MAX_SIDE;
  const maxSourcePixels = options.maxSourcePixels ?? DEFAULT_MAX_SOURCE_PIXELS;
  const header = readImageHeader(bytes, fileName);
  if (header.width * header.height > maxSourcePixels) {
    throw new ImageTooLargeError(fileName, header.width, header.height, maxSourcePixels);
  }
  const plan = planDecode(header, maxSide);
  try {
    const decoded = await decoder.decode(bytes, {
      format: header.format,
      mime: header.mime,
      orientation: header.orientation,
      raw: plan.raw,
      oriented: plan.oriented,
    });
    let pixels = normalizePixels(decoded);
    if (!resolveOrientationApplied(header, decoded)) pixels = applyOrientation(pixels, header.orientation);
    pixels = resizeAreaAverage(pixels, plan.oriented.width, plan.oriented.height);
    const warnings = headerWarnings(header, hasTransparentPixel(decoded));
    if (plan.downscaled) {
      const { source, oriented } = plan;
      warnings.unshift(
        `downscaled from ${source.width}×${source.height} to ${oriented.width}×${oriented.height}`,
      );
    }
    return { header, sourceWidth: plan.source.width, sourceHeight: plan.source.height, pixels, warnings };
  } catch (error) {
    if (isImageIngestError(error)) throw error;
    throw new DecodeFailedError(fileName, header.format.toUpperCase(), error);
  }
}

/** Everything the studio keeps about a dropped file. Rejects only with ImageIngestError subclasses. */
export async function ingestFile(
  bytes: Uint8Array,
  fileName: string,
  decoder: PixelDecoder,
  options: IngestOptions = {},
): Promise<IngestRecord> {
  try {
    const decoded = await decodeImage(bytes, fileName, decoder, options);
    const { header, pixels } = decoded;
    return {
      id: await imageId(bytes),
      name: fileName,
      mime: header.mime,
      format: header.format,
      byteLength: bytes.length,
      width: pixels.width,
      height: pixels.height,
      sourceWidth: decoded.sourceWidth,
      sourceHeight: decoded.sourceHeight,
      orientation: header.orientation,
      info: header.info,
      pixels,
      thumbnail: downscaleAreaAverage(pixels, options.thumbnailSide ?? DEFAULT_THUMBNAIL_SIDE),
      warnings: decoded.warnings,
    };
  } catch (error) {
    if (isImageIngestError(error)) throw error;
    throw new DecodeFailedError(fileName, 'image', error);
  }
}
