import { errorSummary } from '../../lib/core/errors';

/**
 * Failures of the worker bridge itself, one class each. Errors from inside a worker arrive as whatever
 * Comlink rebuilt (name, message, stack) and are passed through untouched.
 */

/** The worker died (uncaught error, failed to load, undecodable message); the next call starts a fresh one. */
export class WorkerCrashedError extends Error {
  override readonly name = 'WorkerCrashedError';
}

/** The call was aborted through its AbortSignal before or while it ran. */
export class TaskAbortedError extends Error {
  override readonly name = 'TaskAbortedError';
}

/** The bridge was disposed while the call waited or ran. */
export class BridgeDisposedError extends Error {
  override readonly name = 'BridgeDisposedError';
}

/**
 * The worker's GPU device is gone (DeviceLostError from the worker, by name: Comlink keeps only name and
 * message). Such a worker cannot get a new device (ONNX Runtime Web holds one device per worker for good):
 * the bridge retires it and the next task starts a fresh one.
 */
export function isDeviceLost(error: unknown): boolean {
  return errorSummary(error).name === 'DeviceLostError';
}

/** Failures that a fresh worker may not repeat: the job restarts from its last stored point. */
export function isRestartable(error: unknown): boolean {
  const { name } = errorSummary(error);
  return name === 'WorkerCrashedError' || name === 'DeviceLostError';
}
