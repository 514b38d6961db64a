/** One error class per failure of in-tab fine-tuning; each crosses Comlink by its `name`. */

/** A training setting is out of range; the message names it and the valid range. */
export class TuningSettingsError extends Error {
  override readonly name = 'TuningSettingsError';
}

/** The student's folder lacks what training needs (the plain decoder_model.onnx, token ids in its config). */
export class TrainingSourceError extends Error {
  override readonly name = 'TrainingSourceError';
}

/** Nothing to train on: no accepted caption, or none that tokenizes to at least one token. */
export class NoTrainingDataError extends Error {
  override readonly name = 'NoTrainingDataError';
}

/** The guardrails gave up (the loss kept diverging, out of memory at batch 1, the GPU kept being lost). */
export class TrainingHaltedError extends Error {
  override readonly name = 'TrainingHaltedError';
}

/** A second training run was asked for while one is going on, or captioning is going on. */
export class TrainingBusyError extends Error {
  override readonly name = 'TrainingBusyError';
}

/** A checkpoint blob is not one this studio's training wrote (no tuning data in it). */
export class TuningCheckpointError extends Error {
  override readonly name = 'TuningCheckpointError';
}
