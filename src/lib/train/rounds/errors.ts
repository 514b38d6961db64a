/** One error class per failure of the round loop; each crosses Comlink by its `name`. */

/** Thrown out of a stage's yield point when the person pressed Stop: the stage should let it propagate. */
export class RunStoppedError extends Error {
  override readonly name = 'RunStoppedError';
  constructor() {
    super('Stopped.');
  }
}

/** The scheduler was asked for something its state does not allow (a second run() while one is going). */
export class SchedulerStateError extends Error {
  override readonly name = 'SchedulerStateError';
}

/** A setting of the loop (rounds, checkpoint policy, guardrail policy, weighting) is out of range. */
export class LoopSettingsError extends Error {
  override readonly name = 'LoopSettingsError';
}

/** The accepted captions cannot be made into a training set (a weighting that needs a score lacks one). */
export class TrainingSetError extends Error {
  override readonly name = 'TrainingSetError';
}
