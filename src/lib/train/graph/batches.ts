/**
 * Fixed-shape batches for the training graph (its shapes are static): teacher forcing with the decoder's start
 * token in front, targets ending with the end token, right padding masked out of the loss, and short batches
 * filled with rows of weight 0 and mask 0 (they add nothing to the loss or to the token count).
 *
 * The graph's caption length is fitted to the captions (`fitSequence`): long enough for the longest one and its
 * end token, up to a limit (the run's setting and the model's positions). A caption longer than that is cut:
 * its first `sequence` tokens train, without the end token. An end token after a cut would teach the student
 * to stop mid-sentence; the cut prefix is still exact teacher forcing. Cut captions are counted
 * (`fitSequence(...).cut`) and reported, never cut silently.
 */
import type { TrainingShapes } from './artifacts';

/** The row the trainer consumes: a chosen caption's tokens (rounds/training-set.ts TrainingCaption), its image's
 * encoder states and its weight; service.ts derives it. */
export interface TrainingSample {
  /** Caption token ids, without start or end token. */
  readonly tokens: readonly number[];
  /** Encoder output for the image, [encoderSequence × encoderWidth], computed once and cached. */
  readonly encoderStates: Float32Array;
  /** Per-sample weight (e.g. the critic's score); default 1. */
  readonly weight?: number;
  /** Preference runs: the tokens of the caption the chosen one replaced (same image), the pair's other half. */
  readonly rejected?: readonly number[];
}

export interface SpecialTokens {
  readonly start: number;
  readonly end: number;
  readonly pad: number;
}

export interface TrainingBatch {
  readonly tokens: BigInt64Array;
  readonly labels: BigInt64Array;
  readonly mask: Float32Array;
  readonly weights: Float32Array;
  readonly encoderStates: Float32Array;
  /** Real (non-filler) samples in the batch (pairs in a preference batch). */
  readonly samples: number;
  /** Preference batches: the reference model's log-probability of every row (zeros until it is known). */
  readonly reference?: Float32Array;
}

/** A sample does not fit the training graph's shapes, or a batch has no real token. */
export class BatchShapeError extends Error {
  override readonly name = 'BatchShapeError';
}

type Row = Omit<TrainingSample, 'rejected'>;

function fillBatch(
  rows: readonly (Row | null)[],
  shapes: TrainingShapes,
  special: SpecialTokens,
): Omit<TrainingBatch, 'samples'> {
  const { batch, sequence: seq, encoderSequence, encoderWidth } = shapes;
  const stateSize = encoderSequence * encoderWidth;
  const tokens = new BigInt64Array(batch * seq).fill(BigInt(special.pad));
  const labels = new BigInt64Array(batch * seq).fill(BigInt(special.pad));
  const mask = new Float32Array(batch * seq);
  const weights = new Float32Array(batch);
  const encoderStates = new Float32Array(batch * stateSize);
  rows.forEach((sample, b) => {
    if (sample === null) return;
    if (sample.encoderStates.length !== stateSize)
      throw new BatchShapeError(
        `encoder states of ${sample.encoderStates.length} values; the graph takes ${stateSize}`,
      );
    // A caption longer than the graph is cut: its first `seq` tokens are the targets, without the end token.
    const input = [special.start, ...sample.tokens].slice(0, seq);
    const target = [...sample.tokens, special.end].slice(0, seq);
    input.forEach((t, i) => (tokens[b * seq + i] = BigInt(t)));
    target.forEach((t, i) => {
      labels[b * seq + i] = BigInt(t);
      mask[b * seq + i] = 1;
    });
    weights[b] = sample.weight ?? 1;
    encoderStates.set(sample.encoderStates, b * stateSize);
  });
  return { tokens, labels, mask, weights, encoderStates };
}

export function makeBatch(
  samples: readonly TrainingSample[],
  shapes: TrainingShapes,
  special: SpecialTokens,
): TrainingBatch {
  if (samples.length === 0 || samples.length > shapes.batch)
    throw new BatchShapeError(`a batch holds 1..${shapes.batch} samples, got ${samples.length}`);
  return { ...fillBatch(samples, shapes, special), samples: samples.length };
}

/**
 * A preference graph's batch (preference-loss.ts): the chosen captions in rows 0..P−1, their rejected partners
 * in rows P..2P−1 (P = shapes.batch / 2), filler pairs after the real ones. `references` holds each sample's
 * reference log-probabilities [chosen, rejected] (absent: zeros, for the pass that measures them).
 */
export function makePreferenceBatch(
  samples: readonly TrainingSample[],
  shapes: TrainingShapes,
  special: SpecialTokens,
  references?: readonly (readonly [number, number])[],
): TrainingBatch {
  const pairs = shapes.batch / 2;
  if (!Number.isInteger(pairs) || samples.length === 0 || samples.length > pairs)
    throw new BatchShapeError(
      `a preference batch holds 1..${Math.floor(pairs)} pairs, got ${samples.length}`,
    );
  const rows: (Row | null)[] = new Array<Row | null>(shapes.batch).fill(null);
  const reference = new Float32Array(shapes.batch);
  samples.forEach((sample, p) => {
    if (sample.rejected === undefined)
      throw new BatchShapeError('a preference batch needs a rejected caption beside every chosen one');
    rows[p] = sample;
    rows[pairs + p] = { ...sample, tokens: sample.rejected };
    const ref = references?.[p];
    if (ref) [reference[p], reference[pairs + p]] = ref;
  });
  return { ...fillBatch(rows, shapes, special), samples: samples.length, reference };
}

/** Graph positions a caption of `tokens` tokens takes: start + caption in, caption + end out. */
export function sequenceFor(tokens: number): number {
  return tokens + 1;
}

/** Caption lengths are rounded up to a multiple of this, so that rounds whose longest caption differs by a
 * token or two share a training graph (a new sequence length means new graphs). */
export const SEQUENCE_STEP = 8;

export interface SequenceFit {
  /** The training graph's caption length. */
  readonly sequence: number;
  /** Tokens of the longest caption (without start or end token). */
  readonly longest: number;
  /** Captions longer than `sequence` allows: trained on their first tokens, without the end token. */
  readonly cut: number;
}

/**
 * The caption length for a run's captions (token counts without start or end token): the longest caption plus
 * its end token, rounded up to SEQUENCE_STEP, at most `limit` (and at least 2).
 */
export function fitSequence(tokenCounts: readonly number[], limit: number): SequenceFit {
  if (!Number.isInteger(limit) || limit < 2)
    throw new BatchShapeError(`the caption length limit must be a whole number of at least 2, got ${limit}`);
  const longest = Math.max(0, ...tokenCounts);
  const wanted = Math.ceil(sequenceFor(longest) / SEQUENCE_STEP) * SEQUENCE_STEP;
  const sequence = Math.max(2, Math.min(limit, wanted));
  const cut = tokenCounts.filter((n) => sequenceFor(n) > sequence).length;
  return { sequence, longest, cut };
}
