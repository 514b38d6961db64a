/** The grad fixtures' fixed inputs (no file system, no runtime: the browser page of the e2e spec uses them too). */
import type { TrainingArtifacts } from '../../../../../src/lib/train/graph/artifacts';
import type { TrainingBatch } from '../../../../../src/lib/train/graph/batches';
import type { GradFixtureData } from './grad-fixture-data';

export const FIXTURE_SHAPES = { batch: 3, sequence: 7, encoderSequence: 5 } as const;

export function shapesOf(fixture: GradFixtureData) {
  return { ...FIXTURE_SHAPES, encoderWidth: fixture.config.spec.embd };
}

/** The fixture's fixed inputs as a training batch (3 samples of 7 tokens). */
export function fixtureBatch(f: GradFixtureData): TrainingBatch {
  return {
    tokens: f.int64('input.input_ids'),
    labels: f.int64('input.labels'),
    mask: Float32Array.from(f.float('input.label_mask')),
    weights: Float32Array.from(f.float('input.sample_weights')),
    encoderStates: Float32Array.from(f.float('input.encoder_hidden_states')),
    samples: 3,
  };
}

/** The fixture's LoRA A and B, under the trainable names the artifacts use. */
export function fixtureLoraValues(
  fixture: GradFixtureData,
  artifacts: Pick<TrainingArtifacts, 'adapters'>,
): Map<string, Float32Array> {
  const values = new Map<string, Float32Array>();
  for (const adapter of artifacts.adapters) {
    values.set(adapter.a, Float32Array.from(fixture.float(`lora.A.${adapter.target}`)));
    values.set(adapter.b, Float32Array.from(fixture.float(`lora.B.${adapter.target}`)));
  }
  return values;
}
