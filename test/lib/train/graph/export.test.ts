/**
 * Writing trained weights back into decoder files: LoRA folded into the base weights reproduces PyTorch's LoRA
 * loss; weights land in If branches and in `_merged_N`-renamed initializers; weights the exporter shared through
 * Identity get their own initializer; a file that does not hold the trained weights is refused.
 */
import { describe, expect, it } from 'vitest';
import { OnnxModel } from '../../../../src/lib/onnx/graph/model';
import { decodeModel, encodeModel } from '../../../../src/lib/onnx/proto/model-io';
import { DataType, readFloat32 } from '../../../../src/lib/onnx/proto/tensor';
import type { GraphProto, ModelProto } from '../../../../src/lib/onnx/proto/types';
import { buildTrainingArtifacts } from '../../../../src/lib/train/graph/artifacts';
import {
  trainedWeights,
  WeightExportError,
  writeWeights,
  writeWeightsToBytes,
  type TrainedWeight,
} from '../../../../src/lib/train/graph/export';
import { appendTokenLoss } from '../../../../src/lib/train/graph/loss';
import { foldLora, type LoraAdapter } from '../../../../src/lib/train/graph/lora';
import { ort } from './helpers/backends';
import { fixtureInputFeeds, fixtureLoraValues, shapesOf, trainableFeeds } from './helpers/feeds';
import { GradFixture } from './helpers/grad-fixtures';

async function lossOf(modelBytes: Uint8Array, fixture: GradFixture): Promise<number> {
  const model = OnnxModel.decode(modelBytes);
  appendTokenLoss(model);
  const session = await ort.InferenceSession.create(model.encode());
  const out = await session.run(fixtureInputFeeds(fixture));
  await session.release();
  return out.loss!.data[0] as number;
}

async function logitsOf(modelBytes: Uint8Array, fixture: GradFixture, extra: Record<string, unknown> = {}) {
  const session = await ort.InferenceSession.create(modelBytes);
  const { input_ids, encoder_hidden_states } = fixtureInputFeeds(fixture);
  const out = await session.run({
    input_ids: input_ids!,
    encoder_hidden_states: encoder_hidden_states!,
    ...extra,
  } as never);
  await session.release();
  return out.logits!.data as Float32Array;
}

/** Some trained-looking values: each weight of the last block moved by a different small amount. */
function perturbed(fixture: GradFixture): TrainedWeight[] {
  const artifacts = buildTrainingArtifacts(
    fixture.modelBytes,
    { kind: 'subset', lastBlocks: 1 },
    shapesOf(fixture),
  );
  const values = new Map(
    [...artifacts.initial].map(([name, v]) => [name, v.map((x, i) => x + 0.01 * Math.sin(i))]),
  );
  return trainedWeights(artifacts, fixture.modelBytes, values);
}

/** The decoder as optimum's merged layout would hold it: an If whose branches carry the initializers. */
function ifWithBranchInitializers(plain: ModelProto): ModelProto {
  const g = plain.graph!;
  const branch = (name: string): GraphProto => ({
    name,
    node: [...g.node!, { opType: 'Identity', input: ['logits'], output: [`${name}_logits`] }],
    initializer: [...g.initializer!],
    output: [{ name: `${name}_logits`, type: g.output![0]!.type! }],
  });
  return {
    ...plain,
    graph: {
      name: 'merged',
      input: [
        ...g.input!,
        {
          name: 'use_cache_branch',
          type: { tensorType: { elemType: DataType.BOOL, shape: { dim: [{ dimValue: 1 }] } } },
        },
      ],
      output: [g.output![0]!],
      node: [
        {
          opType: 'If',
          input: ['use_cache_branch'],
          output: ['logits'],
          attribute: [
            { name: 'then_branch', type: 5, g: branch('then') },
            { name: 'else_branch', type: 5, g: branch('else') },
          ],
        },
      ],
    },
  };
}

describe('export of trained weights', () => {
  it('folds LoRA into the base weights: the plain decoder then has PyTorch LoRA loss', async () => {
    const fixture = new GradFixture('gpt2-a');
    const spec = {
      kind: 'lora',
      rank: 2,
      alpha: 4,
      roles: ['self-attn', 'cross-attn', 'mlp'],
      seed: 0,
    } as const;
    const artifacts = buildTrainingArtifacts(fixture.modelBytes, spec, shapesOf(fixture));
    const folded = writeWeightsToBytes(
      fixture.modelBytes,
      trainedWeights(artifacts, fixture.modelBytes, fixtureLoraValues(fixture, artifacts)),
    );
    const expected = fixture.config.lora!.loss_f64;
    expect(Math.abs((await lossOf(folded, fixture)) - expected) / expected).toBeLessThan(1e-6);
  });

  it('folds in both stored layouts ([in, out] and Gemm transB [out, in])', () => {
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]); // [3, 2]
    const b = Float32Array.from([1, -1, 0.5, 2]); // [2, 2]
    const base = new Float32Array(6);
    const adapter: LoraAdapter = {
      target: 'w',
      a: 'a',
      b: 'b',
      inFeatures: 3,
      outFeatures: 2,
      rank: 2,
      scale: 0.5,
      layout: 'in-out',
    };
    // A·B = [[2, 3], [5, 5], [8, 7]]
    expect([...foldLora(base, adapter, a, b)]).toEqual([1, 1.5, 2.5, 2.5, 4, 3.5]);
    expect([...foldLora(base, { ...adapter, layout: 'out-in' }, a, b)]).toEqual([1, 2.5, 4, 1.5, 2.5, 3.5]);
  });

  it('writes into initializers held by If branches, in both branches', async () => {
    const fixture = new GradFixture('gpt2-a');
    const weights = perturbed(fixture);
    const merged = ifWithBranchInitializers(decodeModel(fixture.modelBytes));
    const written = writeWeights(merged, weights);
    for (const attr of written.graph!.node![0]!.attribute!) {
      const byName = new Map(attr.g!.initializer!.map((t) => [t.name, t]));
      for (const w of weights) expect([...readFloat32(byName.get(w.name)!)]).toEqual([...w.value]);
    }
    // The input proto is left as it was.
    const original = merged.graph!.node![0]!.attribute![0]!.g!.initializer!.find(
      (t) => t.name === weights[0]!.name,
    )!;
    expect([...readFloat32(original)]).toEqual([...weights[0]!.original]);

    const plainLogits = await logitsOf(writeWeightsToBytes(fixture.modelBytes, weights), fixture);
    const mergedLogits = await logitsOf(encodeModel(written), fixture, {
      use_cache_branch: new ort.Tensor('bool', Uint8Array.from([0]), [1]),
    });
    expect(mergedLogits).toEqual(plainLogits);
    expect(plainLogits).not.toEqual(await logitsOf(fixture.modelBytes, fixture));
  });

  it('gives weights that the exporter shared through Identity an initializer of their own', async () => {
    const fixture = new GradFixture('gpt2-b');
    const artifacts = buildTrainingArtifacts(fixture.modelBytes, { kind: 'full' }, shapesOf(fixture));
    const values = new Map(
      [...artifacts.initial].map(([name, v]) => [name, v.map((x, i) => x + 0.001 * Math.cos(i))]),
    );
    const exported = writeWeightsToBytes(
      fixture.modelBytes,
      trainedWeights(artifacts, fixture.modelBytes, values),
    );
    const graph = decodeModel(exported).graph!;
    expect(graph.node!.filter((n) => n.opType === 'Identity' && values.has(n.output![0]!))).toEqual([]);
    // The exported decoder computes what the training graph computed with those values.
    const session = await ort.InferenceSession.create(artifacts.training);
    const trainingLoss = (
      await session.run({ ...fixtureInputFeeds(fixture), ...trainableFeeds(artifacts, values) })
    ).loss!;
    await session.release();
    expect(await lossOf(exported, fixture)).toBeCloseTo(trainingLoss.data[0] as number, 5);
  });

  it('refuses a file whose weight does not hold the value that was trained', () => {
    const fixture = new GradFixture('gpt2-a');
    const [first] = perturbed(fixture);
    const wrong = { ...first!, original: first!.original.map((v) => v + 1) };
    expect(() => writeWeightsToBytes(fixture.modelBytes, [wrong])).toThrow(WeightExportError);
    expect(() =>
      writeWeightsToBytes(fixture.modelBytes, [
        { ...first!, name: 'nowhere', original: new Float32Array(3) },
      ]),
    ).toThrow(/found no tensor/);
  });
});
