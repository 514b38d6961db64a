import { ModelLoadError } from '../core/errors';
import type { SessionLike, TensorFactory, TensorLike } from './session';
import { outputOf } from './session';

/**
 * The input/output contract of a transformers.js `decoder_model_merged.onnx` (optimum export):
 * inputs `input_ids` [B, T], `encoder_hidden_states` [B, S, H], `use_cache_branch` [1] (bool) and
 * `past_key_values.{i}.key|value` [B, heads, past, headDim]; outputs `logits` [B, T, vocab] and
 * `present.{i}.key|value`. Names are read from the session, never assumed from the config alone.
 */
export interface DecoderSpec {
  /** The cache pairs, in layer order: input name → the output that feeds it next step. */
  cache: { input: string; output: string }[];
  /** Inputs computed once per batch from the encoder output (see cross-attention-split.ts); none usually. */
  lifted: string[];
  numHeads: number;
  headDim: number;
  hasCacheBranch: boolean;
}

const PAST_NAME = /^past_key_values\.(\d+)\.(key|value)$/;
/** Names of the inputs a cross-attention split adds (cross-attention-split.ts). */
export const LIFTED_PREFIX = 'capgrad_cross.';

export function decoderSpecFrom(
  session: SessionLike,
  dims: { numHeads: number; headDim: number },
): DecoderSpec {
  for (const required of ['input_ids', 'encoder_hidden_states']) {
    if (!session.inputNames.includes(required)) {
      throw new ModelLoadError(
        `decoder has no input '${required}' (inputs: ${session.inputNames.join(', ')}); ` +
          'expected a transformers.js vision-encoder-decoder decoder_model_merged.onnx',
      );
    }
  }
  if (!session.outputNames.includes('logits')) {
    throw new ModelLoadError(`decoder has no output 'logits' (outputs: ${session.outputNames.join(', ')})`);
  }
  const cache = session.inputNames
    .map((input) => ({ input, match: PAST_NAME.exec(input) }))
    .filter((entry) => entry.match !== null)
    .map(({ input, match }) => ({
      input,
      output: `present.${match?.[1]}.${match?.[2]}`,
      order: Number(match?.[1]) * 2 + (match?.[2] === 'key' ? 0 : 1),
    }))
    .sort((a, b) => a.order - b.order)
    .map(({ input, output }) => ({ input, output }));
  if (cache.length === 0) {
    throw new ModelLoadError(
      'decoder has no past_key_values inputs: use decoder_model_merged.onnx (with KV cache), not decoder_model.onnx',
    );
  }
  for (const { output } of cache) {
    if (!session.outputNames.includes(output)) {
      throw new ModelLoadError(`decoder has no output '${output}' to feed its cache`);
    }
  }
  const lifted = session.inputNames.filter((name) => name.startsWith(LIFTED_PREFIX));
  return { cache, lifted, ...dims, hasCacheBranch: session.inputNames.includes('use_cache_branch') };
}

/**
 * What a batch feeds every step besides tokens and cache: `encoder_hidden_states` and, for a split
 * decoder, the lifted cross-attention tensors.
 */
export type EncoderFeeds = Record<string, TensorLike>;

/** Feeds of the first step: no cache yet (empty past tensors, use_cache_branch = false). */
export function firstStepFeeds(
  spec: DecoderSpec,
  tensors: TensorFactory,
  inputIds: BigInt64Array,
  encoderFeeds: EncoderFeeds,
): Record<string, TensorLike> {
  const rows = inputIds.length;
  const feeds: Record<string, TensorLike> = {
    ...encoderFeeds,
    input_ids: tensors.int64(inputIds, [rows, 1]),
  };
  for (const { input } of spec.cache) {
    feeds[input] = tensors.float32(new Float32Array(0), [rows, spec.numHeads, 0, spec.headDim]);
  }
  if (spec.hasCacheBranch) feeds['use_cache_branch'] = tensors.bool(new Uint8Array([0]), [1]);
  return feeds;
}

/** Feeds of a later step: one new token per row, the previous step's presents as the past. */
export function nextStepFeeds(
  spec: DecoderSpec,
  tensors: TensorFactory,
  inputIds: BigInt64Array,
  encoderFeeds: EncoderFeeds,
  past: readonly TensorLike[],
): Record<string, TensorLike> {
  const feeds: Record<string, TensorLike> = {
    ...encoderFeeds,
    input_ids: tensors.int64(inputIds, [inputIds.length, 1]),
  };
  spec.cache.forEach(({ input }, i) => {
    const tensor = past[i];
    if (tensor === undefined) throw new ModelLoadError(`missing cache tensor for '${input}'`);
    feeds[input] = tensor;
  });
  if (spec.hasCacheBranch) feeds['use_cache_branch'] = tensors.bool(new Uint8Array([1]), [1]);
  return feeds;
}

/** The presents of a step, in `spec.cache` order. */
export function presentsOf(spec: DecoderSpec, outputs: Record<string, TensorLike>): TensorLike[] {
  return spec.cache.map(({ output }) => outputOf(outputs, output));
}
