import { errorSummary } from '../../lib/core/errors';

/** True for the browsers' "storage is full" errors, raw or wrapped by src/lib/store (StorageFullError). */
export function isQuotaError(error: unknown): boolean {
  const { name } = errorSummary(error);
  return (
    name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || name === 'StorageFullError'
  );
}

export const STORAGE_FULL_MESSAGE =
  'Storage is full. Remove images you no longer need, or allow this site more storage. ' +
  'Until then, what is listed here is kept in this tab only.';

/** The banner's headline for a failed write: one message for a full disk, whatever wrote. */
export function notSavedMessage(error: unknown): string {
  if (isQuotaError(error)) return STORAGE_FULL_MESSAGE;
  const { name, message } = errorSummary(error);
  return `Saving failed (${name}: ${message}). What is listed here is kept in this tab only.`;
}
