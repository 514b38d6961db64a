/** Feeds for a training graph built from a grad fixture (its fixed inputs and the trainables' values). */
import type { TrainingArtifacts } from '../../../../../src/lib/train/graph/artifacts';
import { ort } from './backends';
import type { GradFixture } from './grad-fixtures';

export { FIXTURE_SHAPES, fixtureLoraValues, shapesOf } from './batch';

export function fixtureInputFeeds(fixture: GradFixture): Record<string, ort.Tensor> {
  const feed = (key: string) => {
    const a = fixture.get(`input.${key}`);
    const dims = fixture.shape(`input.${key}`);
    return a instanceof BigInt64Array
      ? new ort.Tensor('int64', a, dims)
      : new ort.Tensor('float32', Float32Array.from(a), dims);
  };
  return {
    input_ids: feed('input_ids'),
    encoder_hidden_states: feed('encoder_hidden_states'),
    labels: new ort.Tensor('int64', fixture.int64('input.labels'), [...fixture.shape('input.labels'), 1]),
    label_mask: feed('label_mask'),
    sample_weights: feed('sample_weights'),
  };
}

export function trainableFeeds(
  artifacts: TrainingArtifacts,
  values: ReadonlyMap<string, Float32Array> = artifacts.initial,
) {
  return Object.fromEntries(
    artifacts.trainables.map((t) => [
      t.name,
      new ort.Tensor('float32', Float32Array.from(values.get(t.name)!), t.dims),
    ]),
  );
}
