/**
 * The student's own tokenizer for training targets: transformers.js's tokenizer class named in
 * tokenizer_config.json, built from the model folder's JSON files (as caption/processors.ts builds it
 * for decoding), so that training and captioning agree on every token id.
 */
import * as transformers from '@huggingface/transformers';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import type { ModelFiles } from '../core/model-sources';
import { TrainingSourceError } from './errors';

export interface CaptionTokenizer {
  /** Token ids of `text`, without start or end token. */
  encode(text: string): number[];
  decode(tokens: readonly number[]): string;
}

function tokenizerClass(name: unknown): typeof PreTrainedTokenizer {
  if (typeof name !== 'string') return PreTrainedTokenizer;
  const candidate: unknown = Reflect.get(transformers, name.replace(/Fast$/, ''));
  return typeof candidate === 'function' &&
    (candidate === PreTrainedTokenizer || candidate.prototype instanceof PreTrainedTokenizer)
    ? (candidate as typeof PreTrainedTokenizer)
    : PreTrainedTokenizer;
}

export async function loadCaptionTokenizer(files: ModelFiles): Promise<CaptionTokenizer> {
  const [json, config] = await Promise.all([
    files.readJson('tokenizer.json'),
    files.readJson('tokenizer_config.json'),
  ]);
  let tokenizer: PreTrainedTokenizer;
  try {
    tokenizer = new (tokenizerClass(config['tokenizer_class']))(json, config);
  } catch (error) {
    throw new TrainingSourceError(`${files.modelId}: the tokenizer could not be built: ${String(error)}`, {
      cause: error,
    });
  }
  return {
    // A caption is one text: no special tokens around it (makeBatch adds the start and end tokens).
    encode: (text) => tokenizer.encode(text.trim(), { add_special_tokens: false }),
    decode: (tokens) => tokenizer.decode([...tokens], { skip_special_tokens: true }).trim(),
  };
}
