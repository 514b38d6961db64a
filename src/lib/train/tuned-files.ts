/**
 * A checkpoint turned into the student's own ONNX files (docs/architecture.md decision 3): the trained
 * weights written into onnx/decoder_model.onnx and onnx/decoder_model_merged.onnx, LoRA folded into the base
 * weights, so that the captioner (and transformers.js, after export) loads the tuned student unchanged.
 */
import type { ModelFiles } from '../core/model-sources';
import { CheckpointMismatchError, modelIdentity } from './checkpoints/format';
import { trainedWeights, writeWeightsToBytes } from './graph/export';
import type { TuningCheckpoint } from './checkpoints/data';
import { TrainingSourceError } from './errors';

export const TRAINING_DECODER_PATH = 'onnx/decoder_model.onnx';
export const MERGED_DECODER_PATH = 'onnx/decoder_model_merged.onnx';

/** The files transformers.js reads from a ViT-GPT2 folder besides the ONNX graphs (absent ones are skipped). */
export const MODEL_SIDE_FILES = [
  'config.json',
  'generation_config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.json',
  'merges.txt',
  'added_tokens.json',
] as const;

export async function readTrainingDecoder(files: ModelFiles): Promise<Uint8Array> {
  try {
    return await files.read(TRAINING_DECODER_PATH);
  } catch (error) {
    throw new TrainingSourceError(
      `${files.modelId} has no ${TRAINING_DECODER_PATH} (fp32, no cache), the graph training is built from`,
      { cause: error },
    );
  }
}

/** Trained value of every trainable tensor (the 'param' slot). */
export function checkpointParams(checkpoint: TuningCheckpoint): Map<string, Float32Array> {
  return new Map(checkpoint.tensors.filter((t) => t.slot === 'param').map((t) => [t.name, t.data]));
}

export type DecoderPath = typeof TRAINING_DECODER_PATH | typeof MERGED_DECODER_PATH;

/**
 * The tuned plain and merged decoders (or only those in `paths`), by path. The plain decoder must be the one the
 * checkpoint trained (same SHA-256; `identify` may answer from a cache), else CheckpointMismatchError.
 */
export async function tunedDecoderFiles(
  files: ModelFiles,
  checkpoint: TuningCheckpoint,
  options: {
    paths?: readonly DecoderPath[];
    identify?: (decoder: Uint8Array) => Promise<string>;
  } = {},
): Promise<Map<DecoderPath, Uint8Array>> {
  const decoder = await readTrainingDecoder(files);
  const identify = options.identify ?? modelIdentity;
  if ((await identify(decoder)) !== checkpoint.modelId)
    throw new CheckpointMismatchError(
      `the checkpoint was trained on another decoder than ${files.modelId}'s ${TRAINING_DECODER_PATH}`,
    );
  const { adapters, trainables } = checkpoint.config.user;
  const weights = trainedWeights({ adapters, trainables }, decoder, checkpointParams(checkpoint));
  const tuned = new Map<DecoderPath, Uint8Array>();
  for (const path of options.paths ?? [TRAINING_DECODER_PATH, MERGED_DECODER_PATH])
    tuned.set(
      path,
      writeWeightsToBytes(path === TRAINING_DECODER_PATH ? decoder : await files.read(path), weights),
    );
  return tuned;
}

/** Every file of the student's folder that transformers.js reads, with the tuned decoders in place. */
export async function tunedModelFolder(
  files: ModelFiles,
  checkpoint: TuningCheckpoint,
): Promise<{ source: Map<string, Uint8Array>; tuned: Map<string, Uint8Array> }> {
  const source = new Map<string, Uint8Array>();
  for (const path of [
    ...MODEL_SIDE_FILES,
    'onnx/encoder_model.onnx',
    TRAINING_DECODER_PATH,
    MERGED_DECODER_PATH,
  ]) {
    const bytes = await files.read(path).catch(() => undefined);
    if (bytes !== undefined) source.set(path, bytes);
  }
  return { source, tuned: await tunedDecoderFiles(files, checkpoint) };
}
