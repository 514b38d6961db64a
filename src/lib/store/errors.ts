/** One error class per failure, each with its own `name` (they cross Comlink as name + message). */

export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  constructor(
    /** What was not saved, for the message: e.g. 'image "cat.jpg" (2.1 MB)'. */
    readonly what: string,
    cause?: unknown,
  ) {
    super(
      `Storage is full: ${what} was not saved. Delete images or checkpoints you no longer need, ` +
        'or allow this site more storage, then try again.',
      { cause },
    );
  }
}

export class StoreWriteError extends Error {
  override readonly name = 'StoreWriteError';
  constructor(
    readonly what: string,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`Could not save ${what} (${why}).`, { cause });
  }
}

export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `The saved studio data has schema version ${found}, newer than this version of the studio ` +
        `understands (${supported}). Reload to get the newest version of the studio.`,
    );
  }
}

export class SchemaMigrationError extends Error {
  override readonly name = 'SchemaMigrationError';
  constructor(
    readonly from: number,
    detail: string,
    cause?: unknown,
  ) {
    super(`Could not upgrade the saved studio data from schema version ${from}: ${detail}`, { cause });
  }
}

const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);
const QUOTA_CODE = 22;

/** Chromium and Safari raise QuotaExceededError; older Firefox names it NS_ERROR_DOM_QUOTA_REACHED. */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, inner } = error as { name?: unknown; code?: unknown; inner?: unknown };
  return (typeof name === 'string' && QUOTA_NAMES.has(name)) || code === QUOTA_CODE || isQuotaError(inner);
}

/** Run a write; a full disk becomes StorageFullError, anything else StoreWriteError, both naming `what`. */
export async function guardWrite<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isQuotaError(error)) throw new StorageFullError(what, error);
    throw new StoreWriteError(what, error);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
