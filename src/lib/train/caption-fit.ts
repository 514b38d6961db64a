/**
 * The training graph's caption length for a run (graph/batches.ts fitSequence): fitted to the longest
 * accepted caption, at most the run's `maxTokens` setting (it bounds the graph's memory: activations and
 * logits grow with it) and the decoder's position table (GPT-2's `n_positions`: a longer input has no
 * position embedding). Captions that still do not fit are counted, and the page is told in words.
 */
import { fitSequence, sequenceFor, type SequenceFit } from './graph/batches';
import type { Notice } from './rounds/guardrails';

function integerIn(source: unknown, keys: readonly string[]): number | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  for (const key of keys) {
    const value = (source as Record<string, unknown>)[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  return undefined;
}

/** Positions the student's decoder has (config.json's decoder n_positions / max_position_embeddings). */
export function decoderPositions(config: Record<string, unknown>): number | undefined {
  const keys = ['n_positions', 'max_position_embeddings', 'n_ctx'];
  return integerIn(config['decoder'], keys) ?? integerIn(config, keys);
}

export interface CaptionFit extends SequenceFit {
  /** The most the graph could take: min(maxTokens, the decoder's positions). */
  readonly limit: number;
  /** What set the limit, for the notice. */
  readonly limitBy: 'setting' | 'model';
  readonly captions: number;
}

export function fitCaptions(
  tokenCounts: readonly number[],
  maxTokens: number,
  positions: number | undefined,
): CaptionFit {
  const byModel = positions !== undefined && positions < maxTokens;
  const limit = byModel ? positions : maxTokens;
  return {
    ...fitSequence(tokenCounts, limit),
    limit,
    limitBy: byModel ? 'model' : 'setting',
    captions: tokenCounts.length,
  };
}

/** A warning for the Train view when captions were cut; null when every caption fits. */
export function cutCaptionsNotice(fit: CaptionFit): Notice | null {
  if (fit.cut === 0) return null;
  const which = fit.cut === 1 ? '1 caption is' : `${fit.cut} captions are`;
  const what =
    fit.limitBy === 'model'
      ? `the student's ${fit.limit} positions`
      : `the limit of ${fit.limit} tokens ("Longest caption" in the training settings)`;
  return {
    level: 'warning',
    message:
      `${which} longer than ${what}; the longest of ${fit.captions} needs ${sequenceFor(fit.longest)}. ` +
      `They train on their first ${fit.sequence} tokens, without an end. ` +
      (fit.limitBy === 'model'
        ? 'Shorten them in the critic view to train them whole.'
        : 'Raise the limit (more memory) or shorten them in the critic view to train them whole.'),
  };
}
