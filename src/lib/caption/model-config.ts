import { ModelLoadError } from '../core/errors';
import type { SpecialTokens } from './decode-setup';

/** What decoding needs from config.json (+ generation_config.json), checked once at load. */
export interface StudentConfig {
  special: SpecialTokens;
  numHeads: number;
  headDim: number;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The first integer among `keys` looked up in each source in turn (an array: its first element). */
function firstInteger(sources: Record<string, unknown>[], keys: string[]): number | undefined {
  for (const source of sources) {
    for (const key of keys) {
      const raw = source[key];
      const value = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
      if (typeof value === 'number' && Number.isInteger(value)) return value;
    }
  }
  return undefined;
}

export function studentConfigFrom(
  modelId: string,
  config: Record<string, unknown>,
  generationConfig: Record<string, unknown>,
): StudentConfig {
  const decoder = record(config['decoder']);
  // transformers.js lets generation_config override the decoder config, and that the top-level config.
  const tokenSources = [generationConfig, decoder, config];
  const eosTokenId = firstInteger(tokenSources, ['eos_token_id']);
  const decoderStartTokenId = firstInteger(tokenSources, ['decoder_start_token_id', 'bos_token_id']);
  const padTokenId = firstInteger(tokenSources, ['pad_token_id']) ?? eosTokenId;
  const numHeads = firstInteger([decoder], ['n_head', 'num_attention_heads']);
  const hidden = firstInteger([decoder], ['n_embd', 'hidden_size']);
  const missing = [
    eosTokenId === undefined && 'eos_token_id',
    decoderStartTokenId === undefined && 'decoder_start_token_id',
    numHeads === undefined && 'decoder.n_head',
    hidden === undefined && 'decoder.n_embd',
  ].filter((name): name is string => typeof name === 'string');
  if (
    missing.length > 0 ||
    eosTokenId === undefined ||
    decoderStartTokenId === undefined ||
    padTokenId === undefined ||
    numHeads === undefined ||
    hidden === undefined
  ) {
    throw new ModelLoadError(
      `${modelId}: config.json / generation_config.json lack ${missing.join(', ')}; ` +
        'expected a vision-encoder-decoder model (e.g. ViT-GPT2)',
    );
  }
  if (hidden % numHeads !== 0) {
    throw new ModelLoadError(
      `${modelId}: decoder hidden size ${hidden} is not a multiple of ${numHeads} heads`,
    );
  }
  return { special: { decoderStartTokenId, eosTokenId, padTokenId }, numHeads, headDim: hidden / numHeads };
}
