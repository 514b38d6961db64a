/**
 * One error class per way an export can fail (the tests' zip reader, test/support/zip-reader.ts, has its own). Errors cross Comlink with name, message
 * and stack only, so the UI branches on `name`; each message says what went wrong in words a person can act on.
 */

/** An entry name that other tools would mis-extract: empty, absolute, with `..`, a backslash, or twice. */
export class ZipNameError extends Error {
  override readonly name = 'ZipNameError';
}

/** A file, the archive or the entry count goes past what a ZIP without ZIP64 can describe. */
export class ZipSizeLimitError extends Error {
  override readonly name = 'ZipSizeLimitError';
}

/** An entry uses a compression method we cannot undo here (or deflate without an inflater injected). */
export class ZipMethodError extends Error {
  override readonly name = 'ZipMethodError';
}

/** The files given do not make a model folder that transformers.js can load. */
export class ModelFolderError extends Error {
  override readonly name = 'ModelFolderError';
}

/** The captions cannot be written as a dataset (no caption, bad size, file names that cannot be made unique). */
export class CaptionDatasetError extends Error {
  override readonly name = 'CaptionDatasetError';
}
