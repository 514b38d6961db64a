export * from './types';
export * from './errors';
export * from './decoder';
export { sniffFormat, type SniffResult } from './sniff';
export { readImageHeader } from './header';
export { parseExifOrientation, exifTiffBlock } from './exif';
export { applyOrientation, orientedSize, swapsAxes } from './orientation';
export { resolveOrientationApplied } from './orientation-check';
export { planDecode, fitWithin, type DecodePlan } from './plan';
export { normalizePixels } from './normalize';
export { resizeAreaAverage, downscaleAreaAverage } from './resize';
export { sha256Hex, imageId } from './hash';
export { crc32 } from './crc32';
export {
  ingestFile,
  decodeImage,
  DEFAULT_MAX_SIDE,
  DEFAULT_THUMBNAIL_SIDE,
  DEFAULT_STUDENT_SIDE,
  DEFAULT_MAX_SOURCE_PIXELS,
  type IngestOptions,
  type DecodeOptions,
  type DecodedImage,
  type ImageDescription,
  type IngestRecord,
} from './ingest';
