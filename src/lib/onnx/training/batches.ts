/**
 * Fixed-shape batches for the training graph (its shapes are static): teacher forcing with the decoder's start
 * token in front, targets ending with the end token, right padding masked out of the loss, and short batches
 * filled with rows of weight 0 and mask 0 (they add nothing to the loss or to the token count).
 */
import type { TrainingShapes } from './artifacts';
import { SeededRandom } from './rng';

export interface TrainingSample {
  /** Caption token ids, without start or end token. */
  readonly tokens: readonly number[];
  /** Encoder output for the image, [encoderSequence × encoderWidth], computed once and cached. */
  readonly encoderStates: Float32Array;
  /** Per-sample weight (e.g. the critic's score); default 1. */
  readonly weight?: number;
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
  /** Real (non-filler) samples in the batch. */
  readonly samples: number;
}

/** A sample does not fit the training graph's shapes, or a batch has no real token. */
export class BatchShapeError extends Error {
  override readonly name = 'BatchShapeError';
}

export function makeBatch(
  samples: readonly TrainingSample[],
  shapes: TrainingShapes,
  special: SpecialTokens,
): TrainingBatch {
  const { batch, sequence: seq, encoderSequence, encoderWidth } = shapes;
  if (samples.length === 0 || samples.length > batch)
    throw new BatchShapeError(`a batch holds 1..${batch} samples, got ${samples.length}`);
  const stateSize = encoderSequence * encoderWidth;
  const tokens = new BigInt64Array(batch * seq).fill(BigInt(special.pad));
  const labels = new BigInt64Array(batch * seq).fill(BigInt(special.pad));
  const mask = new Float32Array(batch * seq);
  const weights = new Float32Array(batch);
  const encoderStates = new Float32Array(batch * stateSize);
  samples.forEach((sample, b) => {
    if (sample.encoderStates.length !== stateSize)
      throw new BatchShapeError(
        `encoder states of ${sample.encoderStates.length} values; the graph takes ${stateSize}`,
      );
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
  return { tokens, labels, mask, weights, encoderStates, samples: samples.length };
}

/** Batches of sample indices for one epoch, shuffled by (seed, epoch): the same on every run and after a resume. */
export function epochOrder(sampleCount: number, batchSize: number, seed: number, epoch: number): number[][] {
  const order = new SeededRandom((seed * 7919 + epoch * 104729) >>> 0).permutation(sampleCount);
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
}
