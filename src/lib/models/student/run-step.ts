import { describeError, GenerationError } from '../errors';
import type { DecodeSetup } from './decode-setup';
import { firstStepFeeds, nextStepFeeds, presentsOf } from './decoder-io';
import type { TensorLike } from './session';
import { disposeAll, outputOf, readFloat32 } from './session';

export interface StepOutput {
  /** [rows, positions, vocab] on the host. */
  logits: Float32Array;
  logitsDims: readonly number[];
  /** This step's cache, in spec.cache order; the caller owns (and disposes) it. */
  presents: TensorLike[];
}

/**
 * One decoder run: `past` null means the first step (no cache). Downloads the logits, frees every output the
 * caller does not keep, and leaves `past` to the caller (it may still be needed on failure paths).
 */
export async function runDecoderStep(
  setup: DecodeSetup,
  step: number,
  inputIds: BigInt64Array,
  encoderHiddenStates: TensorLike,
  past: readonly TensorLike[] | null,
): Promise<StepOutput> {
  const feeds =
    past === null
      ? firstStepFeeds(setup.spec, setup.tensors, inputIds, encoderHiddenStates)
      : nextStepFeeds(setup.spec, setup.tensors, inputIds, encoderHiddenStates, past);
  let outputs: Record<string, TensorLike>;
  try {
    outputs = await setup.decoder.run(feeds);
  } catch (error) {
    throw new GenerationError(`decoder step ${step} failed: ${describeError(error)}`, { cause: error });
  }
  const presents = presentsOf(setup.spec, outputs);
  const kept = new Set(presents);
  try {
    const logitsTensor = outputOf(outputs, 'logits');
    const logits = await readFloat32(logitsTensor, 'logits');
    return { logits, logitsDims: logitsTensor.dims, presents };
  } catch (error) {
    disposeAll(presents);
    throw error;
  } finally {
    disposeAll(Object.values(outputs).filter((tensor) => !kept.has(tensor)));
  }
}
