/** Engine failures, one class each; `name` survives Comlink, so the UI branches on it. */

export class CriticHttpError extends Error {
  override readonly name = 'CriticHttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class CriticRetriesExhaustedError extends Error {
  override readonly name = 'CriticRetriesExhaustedError';
  constructor(
    readonly attempts: number,
    message: string,
  ) {
    super(message);
  }
}

export class CriticTimeoutError extends Error {
  override readonly name = 'CriticTimeoutError';
}

export class CriticResponseFormatError extends Error {
  override readonly name = 'CriticResponseFormatError';
}

/** Thrown when the caller's AbortSignal fires; named like the platform's abort errors. */
export class CriticAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('The critic call was cancelled.');
  }
}

/** Resolves after `ms`, or rejects with CriticAbortedError as soon as `signal` fires. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CriticAbortedError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CriticAbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
