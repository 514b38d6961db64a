import type { TrainingBatch } from '../../../../../src/lib/onnx/training/batches';
import type { GradFixture } from './grad-fixtures';

/** The fixture's fixed inputs as a training batch (3 samples of 7 tokens). */
export function fixtureBatch(f: GradFixture): TrainingBatch {
  return {
    tokens: f.int64('input.input_ids'),
    labels: f.int64('input.labels'),
    mask: Float32Array.from(f.float('input.label_mask')),
    weights: Float32Array.from(f.float('input.sample_weights')),
    encoderStates: Float32Array.from(f.float('input.encoder_hidden_states')),
    samples: 3,
  };
}
