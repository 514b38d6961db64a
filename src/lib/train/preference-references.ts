/**
 * The reference half of a preference run (graph/preference-loss.ts): every pair's log-probabilities under the
 * weights the run starts from, measured once before the first step (the LoRA-free student in a LoRA run, the
 * round's starting student otherwise), in sample order and in the run's own batch shape.
 */
import type { TrainingShapes } from './graph/artifacts';
import {
  makePreferenceBatch,
  type SpecialTokens,
  type TrainingBatch,
  type TrainingSample,
} from './graph/batches';
import { TuningCheckpointError } from './errors';

export type PairReferences = readonly (readonly [number, number])[];

/** What the loop asks of a trainer here (graph/trainer.ts's Trainer.sequenceLogp). */
export interface ReferenceScorer {
  sequenceLogp(batch: TrainingBatch): Promise<Float32Array>;
}

export async function measureReferences(
  trainer: ReferenceScorer,
  samples: readonly TrainingSample[],
  shapes: TrainingShapes,
  special: SpecialTokens,
): Promise<PairReferences> {
  const pairs = shapes.batch / 2;
  const references: (readonly [number, number])[] = [];
  for (let from = 0; from < samples.length; from += pairs) {
    const chunk = samples.slice(from, from + pairs);
    const logp = await trainer.sequenceLogp(makePreferenceBatch(chunk, shapes, special));
    chunk.forEach((_, p) => references.push([logp[p]!, logp[pairs + p]!]));
  }
  return references;
}

/** The references a resumed run stored, checked against its samples. */
export function storedReferences(stored: PairReferences | undefined, samples: number): PairReferences {
  if (stored?.length !== samples)
    throw new TuningCheckpointError(
      `the checkpoint holds reference log-probabilities for ${stored?.length ?? 0} pairs, the run has ${samples}`,
    );
  return stored;
}
