import { describeError, GenerationError } from '../core/errors';
import type { DecodeSetup } from './decode-setup';
import type { EncoderFeeds } from './decoder-io';
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
  encoderFeeds: EncoderFeeds,
  past: readonly TensorLike[] | null,
): Promise<StepOutput> {
  const feeds =
    past === null
      ? firstStepFeeds(setup.spec, setup.tensors, inputIds, encoderFeeds)
      : nextStepFeeds(setup.spec, setup.tensors, inputIds, encoderFeeds, past);
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

/**
 * One step of a decode loop over the KV cache: null, running nothing, when the setup's checkpoint asks to stop
 * (cancel between steps); otherwise runs the decoder and frees `past`, which the returned presents replace.
 */
export async function nextCachedStep(
  setup: DecodeSetup,
  step: number,
  inputIds: BigInt64Array,
  encoderFeeds: EncoderFeeds,
  past: readonly TensorLike[] | null,
): Promise<StepOutput | null> {
  if (setup.checkpoint !== undefined && !(await setup.checkpoint())) return null;
  const output = await runDecoderStep(setup, step, inputIds, encoderFeeds, past);
  if (past !== null) disposeAll(past);
  return output;
}

/**
 * The per-batch feeds: the encoder states and, for a split decoder, the cross-attention tensors computed
 * from them once. `release` frees what this made (never `states`, which the caller owns).
 */
export async function encoderFeedsFor(
  setup: DecodeSetup,
  states: TensorLike,
): Promise<{ feeds: EncoderFeeds; release: () => void }> {
  const feeds: EncoderFeeds = { encoder_hidden_states: states };
  if (setup.cross === undefined || setup.spec.lifted.length === 0) return { feeds, release: () => undefined };
  let outputs: Record<string, TensorLike>;
  try {
    outputs = await setup.cross.run({ encoder_hidden_states: states });
  } catch (error) {
    throw new GenerationError(`cross-attention precompute failed: ${describeError(error)}`, { cause: error });
  }
  const lifted = setup.spec.lifted.map((name) => outputOf(outputs, name));
  const kept = new Set(lifted);
  disposeAll(Object.values(outputs).filter((tensor) => !kept.has(tensor)));
  setup.spec.lifted.forEach((name, i) => {
    const tensor = lifted[i];
    if (tensor !== undefined) feeds[name] = tensor;
  });
  return { feeds, release: () => disposeAll(lifted) };
}
