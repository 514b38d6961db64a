/**
 * One error class per way a dropped file can fail. Errors cross Comlink with name, message and stack
 * only, so the UI branches on `name`; every message names the file and says what the person can do.
 */
export abstract class ImageIngestError extends Error {
  abstract override readonly name: string;
  constructor(
    readonly fileName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class EmptyFileError extends ImageIngestError {
  override readonly name = 'EmptyFileError';
  constructor(fileName: string) {
    super(fileName, `"${fileName}" is empty (0 bytes). Check the original file and drop it again.`);
  }
}

export class NotAnImageError extends ImageIngestError {
  override readonly name = 'NotAnImageError';
  constructor(
    fileName: string,
    readonly detected?: string,
  ) {
    const what = detected ? `a ${detected}` : 'not an image';
    super(fileName, `"${fileName}" is ${what}. Drop JPEG, PNG, GIF, WebP, BMP or AVIF images.`);
  }
}

export class UnsupportedFormatError extends ImageIngestError {
  override readonly name = 'UnsupportedFormatError';
  constructor(
    fileName: string,
    readonly format: string,
    hint = 'Convert it to JPEG or PNG first.',
  ) {
    super(fileName, `"${fileName}" is in ${format} format, which this browser cannot decode. ${hint}`);
  }
}

export class TruncatedImageError extends ImageIngestError {
  override readonly name = 'TruncatedImageError';
  constructor(
    fileName: string,
    readonly format: string,
    detail: string,
  ) {
    super(
      fileName,
      `"${fileName}" is an incomplete ${format} file (${detail}); it was probably cut off while copying or ` +
        'downloading. Copy or download it again.',
    );
  }
}

export class CorruptImageError extends ImageIngestError {
  override readonly name = 'CorruptImageError';
  constructor(
    fileName: string,
    readonly format: string,
    detail: string,
  ) {
    super(fileName, `"${fileName}" is a damaged ${format} file (${detail}). Re-export or re-download it.`);
  }
}

export class ImageTooLargeError extends ImageIngestError {
  override readonly name = 'ImageTooLargeError';
  constructor(
    fileName: string,
    readonly width: number,
    readonly height: number,
    maxPixels: number,
  ) {
    super(
      fileName,
      `"${fileName}" is ${width}×${height} pixels, more than the ${(maxPixels / 1e6).toFixed(0)} megapixels ` +
        'this tab can decode safely. Resize it below that first.',
    );
  }
}

export class DecodeFailedError extends ImageIngestError {
  override readonly name = 'DecodeFailedError';
  constructor(fileName: string, format: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      fileName,
      `"${fileName}" looks like a ${format} image but could not be decoded (${why}). ` +
        'Open and re-save it in an image editor, or convert it to PNG.',
      { cause },
    );
  }
}

export function isImageIngestError(error: unknown): error is ImageIngestError {
  return error instanceof ImageIngestError;
}

/** The plain object a worker sends back for a failed file (Comlink does not keep error classes). */
export interface IngestErrorInfo {
  name: string;
  message: string;
  fileName: string;
}

export function toIngestErrorInfo(error: ImageIngestError): IngestErrorInfo {
  return { name: error.name, message: error.message, fileName: error.fileName };
}
