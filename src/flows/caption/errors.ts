/** Failures of the pipeline itself, one class each (the card shows name and message). */

/** A dropped file could not be read (moved, deleted, permission revoked). */
export class FileReadError extends Error {
  override readonly name = 'FileReadError';
}

/** The file of an image that storage had no room for fell out of memory before it was captioned. */
export class ImageMissingError extends Error {
  override readonly name = 'ImageMissingError';
}
