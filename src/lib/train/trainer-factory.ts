/**
 * Trainers for the loop (loop.ts CreateTrainer): training artifacts built from the plain decoder for a batch
 * size (the graphs' shapes are static, so an out-of-memory halving needs new ones), kept while the decoder,
 * trainable spec and shapes stay the same (the next round reuses them), and the trainer created on the
 * worker's ONNX Runtime with the checkpoint config that turns its checkpoints into model files later.
 */
import { buildTrainingArtifacts, type TrainingArtifacts, type TrainingShapes } from './graph/artifacts';
import type { RuntimeOptions } from './graph/runtime';
import { Trainer } from './graph/trainer';
import type { TuningCheckpointConfig } from './checkpoints/data';
import type { CreateTrainer } from './loop';
import { objectiveOf, optimizerOf, scheduleOf, trainableSpecOf, type TuningSettings } from './settings';

export interface TrainingSource {
  /** The plain decoder's bytes and SHA-256. */
  readonly decoder: Uint8Array;
  readonly decoderId: string;
  readonly baseModelId: string;
  readonly encoderSequence: number;
  readonly encoderWidth: number;
}

/** The last artifacts built, by what they were built from (real-size artifacts are hundreds of MB: one kept). */
export class ArtifactsCache {
  #entry: { key: string; artifacts: TrainingArtifacts } | null = null;
  builds = 0;

  get(source: TrainingSource, settings: TuningSettings, shapes: TrainingShapes): TrainingArtifacts {
    const spec = trainableSpecOf(settings);
    const objective = objectiveOf(settings);
    const key = JSON.stringify([source.decoderId, spec, shapes, objective]);
    if (this.#entry?.key !== key) {
      this.#entry = null; // let the old graphs go before the new ones are built
      const artifacts = buildTrainingArtifacts(source.decoder, spec, shapes, undefined, objective);
      this.#entry = { key, artifacts };
      this.builds++;
    }
    return this.#entry.artifacts;
  }
}

export interface TrainerFactoryOptions {
  readonly runtime: RuntimeOptions;
  readonly source: TrainingSource;
  readonly settings: TuningSettings;
  /** The graph's caption length (caption-fit.ts: fitted to the run's captions, at most settings.maxTokens). */
  readonly sequence: number;
  /** Optimizer steps the run plans (the length of a decaying schedule). */
  readonly totalSteps: number;
  readonly cache: ArtifactsCache;
  /** Told before a (possibly long) graph build. */
  readonly onBuild?: (batchSize: number) => void;
}

export function trainerFactory(options: TrainerFactoryOptions): CreateTrainer {
  const { runtime, source, settings, cache } = options;
  return async ({ batchSize, accumulation, resume }) => {
    // A preference batch of n pairs is a graph of 2n rows (graph/preference-loss.ts).
    const rows = objectiveOf(settings).kind === 'preference' ? 2 * batchSize : batchSize;
    const shapes: TrainingShapes = {
      batch: rows,
      sequence: options.sequence,
      encoderSequence: source.encoderSequence,
      encoderWidth: source.encoderWidth,
    };
    options.onBuild?.(batchSize);
    const artifacts = cache.get(source, settings, shapes);
    const config: TuningCheckpointConfig = {
      settings,
      sequence: shapes.sequence,
      adapters: artifacts.adapters,
      trainables: artifacts.trainables,
      baseModelId: source.baseModelId,
    };
    const trainer = await Trainer.create({
      runtime,
      artifacts,
      modelId: source.decoderId,
      optimizer: optimizerOf(settings),
      schedule: scheduleOf(settings, options.totalSteps),
      accumulation,
      config,
      ...(resume ? { resume } : {}),
    });
    return { trainer, shapes };
  };
}
