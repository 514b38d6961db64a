/**
 * The train bench's batch (bench/train-page.ts and the jax-js peer, bench/train-jax-page.ts): random captions
 * of `tokens - 1` ids and uniform encoder states from SeededRandom(1), laid out by makeBatch (start token in
 * front, end token as the last target, so no position is padding). One function, so that both runtimes train
 * on the very same batch and their losses can be compared.
 */
import { SeededRandom } from '../../src/lib/core/rng';
import { makeBatch, type TrainingBatch, type TrainingSample } from '../../src/lib/train/graph/batches';
import type { TrainingShapes } from '../../src/lib/train/graph/artifacts';

export function benchBatch(shapes: TrainingShapes, vocab: number): TrainingBatch {
  const { batch, sequence: tokens, encoderSequence, encoderWidth: width } = shapes;
  const random = new SeededRandom(1);
  const samples: TrainingSample[] = Array.from({ length: batch }, () => ({
    tokens: Array.from({ length: tokens - 1 }, () => Math.floor(random.next() * (vocab - 1))),
    encoderStates: Float32Array.from({ length: encoderSequence * width }, () => random.uniform(1)),
  }));
  return makeBatch(samples, shapes, { start: vocab - 1, end: vocab - 1, pad: vocab - 1 });
}
