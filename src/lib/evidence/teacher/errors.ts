/**
 * Teacher failures, one class each. Only name, message and stack cross Comlink, so the UI branches on
 * `name`; messages say what a person can do about it.
 */

/** No file of any acceptable dtype for a Florence-2 session, or a dtype that is not one of the choices. */
export class TeacherDtypeError extends Error {
  override readonly name = 'TeacherDtypeError';
}

/**
 * Florence-2 is not here to load: its folder is neither on disk nor reachable on the hub, or lacks files it
 * needs. Not a failure of the teacher: the service then loads the detector alone and says so once
 * (TeacherInfo.florenceUnavailable); a Florence-2 that is here but fails to load stays a TeacherLoadError.
 */
export class FlorenceUnavailableError extends Error {
  override readonly name = 'FlorenceUnavailableError';
}

/** Florence-2 or the detector could not be loaded (missing files, a session that failed to build). */
export class TeacherLoadError extends Error {
  override readonly name = 'TeacherLoadError';
}

/** evidence() before load(). */
export class TeacherNotLoadedError extends Error {
  override readonly name = 'TeacherNotLoadedError';
}

/** A second evidence run while one is going on (the worker serves one run at a time). */
export class TeacherBusyError extends Error {
  override readonly name = 'TeacherBusyError';
}

/** The detector's ONNX graph is not the shape the batch rewrite knows. */
export class DetectorRewriteError extends Error {
  override readonly name = 'DetectorRewriteError';
}

/** A Florence-2 run gave something that is not a result (wrong shape, empty output). */
export class FlorenceRunError extends Error {
  override readonly name = 'FlorenceRunError';
}

/** The in-tab language model for the critic is not loaded, or failed to load. */
export class TextModelError extends Error {
  override readonly name = 'TextModelError';
}
