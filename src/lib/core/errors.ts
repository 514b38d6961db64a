/** An error as it crosses the worker boundary: the UI branches on `name`. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/**
 * One class per failure, each with its own `name`. Only name, message and stack cross Comlink, so the UI
 * branches on `name`; messages say what a person can do about it.
 */
export class InvalidChoiceError extends Error {
  override readonly name = 'InvalidChoiceError';
}
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
}
/**
 * The model is not in the app's own public/models/<id>/ and the Hugging Face hub it would come from cannot
 * be reached (offline): not a broken model, so the UI offers what to do instead of the raw fetch failure.
 */
export class ModelUnavailableError extends Error {
  override readonly name = 'ModelUnavailableError';
}
export class DeviceUnavailableError extends Error {
  override readonly name = 'DeviceUnavailableError';
}
export class DeviceLostError extends Error {
  override readonly name = 'DeviceLostError';
}
export class NotLoadedError extends Error {
  override readonly name = 'NotLoadedError';
}
export class StudentBusyError extends Error {
  override readonly name = 'StudentBusyError';
}
export class ImageInputError extends Error {
  override readonly name = 'ImageInputError';
}
export class GenerationError extends Error {
  override readonly name = 'GenerationError';
}

export const STUDENT_ERROR_NAMES = [
  'InvalidChoiceError',
  'ModelLoadError',
  'ModelUnavailableError',
  'DeviceUnavailableError',
  'DeviceLostError',
  'NotLoadedError',
  'StudentBusyError',
  'ImageInputError',
  'GenerationError',
] as const;
export type StudentErrorName = (typeof STUDENT_ERROR_NAMES)[number];

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return error.stack === undefined
      ? { name: error.name, message: error.message }
      : { name: error.name, message: error.message, stack: error.stack };
  }
  return { name: 'Error', message: String(error) };
}

/** For messages: what the caught value says, whatever it is. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** What a person sees for any error, whatever crossed the boundary: `name: message`, never HTML. */
export function errorSummary(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    return { name: typeof name === 'string' ? name : 'Error', message: String(message) };
  }
  return { name: 'Error', message: String(error) };
}
