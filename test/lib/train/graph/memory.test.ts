/**
 * Memory accounting of training graphs: hand-computed on a graph small enough to list every tensor, and
 * consistent with the trainables and initializers of a real artifact (the fixture gpt2-a, LoRA).
 */
import { describe, expect, it } from 'vitest';
import { buildGradientGraph } from '../../../../src/lib/onnx/autodiff';
import { OnnxModel, int } from '../../../../src/lib/onnx/graph';
import { DataType, float32Tensor } from '../../../../src/lib/onnx/proto';
import { buildTrainingArtifacts } from '../../../../src/lib/train/graph/artifacts';
import { trainingMemory } from '../../../../src/lib/train/graph/memory';
import { FIXTURE_SHAPES, shapesOf } from './helpers/batch';
import { GradFixture } from './helpers/grad-fixtures';
import { FIXTURE_LORA } from './helpers/reference';

describe('trainingMemory', () => {
  it('counts the trainer state, the frozen weights and exactly the activations the backward pass reads', () => {
    // x [2,3] → h = Tanh(x) → y = h·W + b → s = Sigmoid(y) → loss = ReduceSum(s); W [3,4] trains, b [4] is frozen.
    const m = new OnnxModel({ irVersion: 9, opsetImport: [{ domain: '', version: 18 }] });
    m.graph.addInput('x', DataType.FLOAT, [2, 3]);
    m.graph.addInitializer(float32Tensor('W', [3, 4], new Float32Array(12).fill(0.5)));
    m.graph.addInitializer(float32Tensor('b', [4], [1, 2, 3, 4]));
    m.graph.addNode('Tanh', ['x'], { outputs: ['h'] });
    m.graph.addNode('MatMul', ['h', 'W'], { outputs: ['hw'] });
    m.graph.addNode('Add', ['hw', 'b'], { outputs: ['y'] });
    m.graph.addNode('Sigmoid', ['y'], { outputs: ['s'] });
    m.graph.addNode('ReduceSum', ['s'], { outputs: ['loss'], attrs: { keepdims: int(0) } });
    m.graph.addOutput('loss');
    const { model } = buildGradientGraph(m, { loss: 'loss', trainable: ['W'] });

    const memory = trainingMemory(model.encode(), [{ name: 'W', dims: [3, 4] }]);
    // dW = hᵀ · (dS · s · (1 − s)): the backward pass reads h [2,3] and s [2,4] (Sigmoid's rule uses its output).
    expect([...memory.savedActivations].sort()).toEqual(['h', 's']);
    expect(memory.savedActivationBytes).toBe(4 * (6 + 8));
    expect(memory.unknownSizeTensors).toBe(0);
    expect(memory).toMatchObject({ paramBytes: 48, gradBytes: 48, momentBytes: 96, inputBytes: 24 });
    // b, plus whatever constants the gradient graph added (shapes, ones): at least b's 16 bytes.
    expect(memory.frozenBytes).toBeGreaterThanOrEqual(16);
  });

  it('accounts a LoRA artifact of the fixture decoder', () => {
    const fixture = new GradFixture('gpt2-a');
    const artifacts = buildTrainingArtifacts(fixture.modelBytes, FIXTURE_LORA, shapesOf(fixture));
    const memory = trainingMemory(artifacts.training, artifacts.trainables);
    const adapterCount = artifacts.adapters.reduce((n, a) => n + a.rank * (a.inFeatures + a.outFeatures), 0);
    expect(memory.paramBytes).toBe(4 * adapterCount);
    expect(memory.unknownSizeTensors).toBe(0);
    // Frozen: the graph's initializers (weights, minus what folding turned into smaller constants, plus those
    // constants), counted here from their stored bytes rather than from dims and type.
    const initializers = [...OnnxModel.decode(artifacts.training).graph.initializers.values()];
    expect(initializers.every((t) => t.rawData !== undefined)).toBe(true);
    expect(memory.frozenBytes).toBe(initializers.reduce((n, t) => n + t.rawData!.byteLength, 0));
    // At least the logits [batch, seq, vocab] are read by the backward pass (softmax − one-hot).
    const { batch, sequence } = FIXTURE_SHAPES;
    expect(memory.savedActivationBytes).toBeGreaterThanOrEqual(
      4 * batch * sequence * fixture.config.spec.vocab,
    );
  });
});
