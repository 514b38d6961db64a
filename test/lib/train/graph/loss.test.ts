/**
 * The loss graph: PyTorch's value on the three exported decoders (float64 reference, 1e-6 relative: float32
 * rounding over 15 tokens), exact arithmetic on hand-made logits (including logits far beyond exp's float32 range,
 * which the WebGPU EP's ReduceLogSumExp alone turns into Infinity), and only ops the WebGPU EP runs.
 */
import { describe, expect, it } from 'vitest';
import { OnnxModel } from '../../../../src/lib/onnx/graph/model';
import { DataType } from '../../../../src/lib/onnx/proto/tensor';
import { appendTokenLoss, LossGraphError } from '../../../../src/lib/train/graph/loss';
import { createSession } from '../../../../src/lib/train/graph/runtime';
import { BACKENDS, ort, runtimeFor } from './helpers/backends';
import { fixtureInputFeeds } from './helpers/feeds';
import { GradFixture } from './helpers/grad-fixtures';

const FORBIDDEN = ['LogSoftmax', 'OneHot', 'SoftmaxCrossEntropyLoss', 'NegativeLogLikelihoodLoss'];

/** logits = the input itself: [batch, seq, vocab] → loss graph. */
function lossOnly(opset: number): OnnxModel {
  const model = new OnnxModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: { name: 'logits' },
  });
  model.graph.addInput('z', DataType.FLOAT, [2, 2, 3]);
  model.graph.addNode('Identity', ['z'], { outputs: ['logits'] });
  model.graph.addOutput('logits', DataType.FLOAT, [2, 2, 3]);
  appendTokenLoss(model);
  return model;
}

function referenceLoss(z: number[], labels: number[], mask: number[], weights: number[]): number {
  let total = 0;
  let count = 0;
  for (let r = 0; r < labels.length; r++) {
    const row = z.slice(r * 3, r * 3 + 3);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    total += weights[Math.floor(r / 2)]! * mask[r]! * (lse - row[labels[r]!]!);
    count += mask[r]!;
  }
  return total / count;
}

describe.each(BACKENDS)('token loss on %s', (backend) => {
  // On WebGPU the same losses are checked with the gradients (gradients.test.ts), which need the same kernels.
  const fixtures = backend === 'cpu' ? ['gpt2-a', 'gpt2-b', 'gpt2-student-like'] : [];
  it.skipIf(fixtures.length === 0).each(fixtures)('equals PyTorch on %s', async (name) => {
    const fixture = new GradFixture(name);
    const model = OnnxModel.decode(fixture.modelBytes);
    appendTokenLoss(model);
    const session = await createSession(runtimeFor(backend), model.encode());
    const out = await session.run(fixtureInputFeeds(fixture));
    await session.release();
    const expected = fixture.config.gradients.loss_f64;
    expect(Math.abs((out.loss!.data[0] as number) - expected) / expected).toBeLessThan(1e-6);
  });

  it.each([13, 18])(
    'weights samples, masks padding and survives logits of ±300 (opset %i)',
    async (opset) => {
      const z = [200, 199, 150, 1, 2, 3, -300, -310, -305, 0.5, 0.25, 0];
      const labels = [1, 0, 2, 2];
      const mask = [1, 1, 1, 0];
      const weights = [0.5, 2];
      const session = await createSession(runtimeFor(backend), lossOnly(opset).encode());
      const out = await session.run({
        z: new ort.Tensor('float32', Float32Array.from(z), [2, 2, 3]),
        labels: new ort.Tensor('int64', BigInt64Array.from(labels, BigInt), [2, 2, 1]),
        label_mask: new ort.Tensor('float32', Float32Array.from(mask), [2, 2]),
        sample_weights: new ort.Tensor('float32', Float32Array.from(weights), [2]),
      });
      await session.release();
      expect(out.loss!.data[0] as number).toBeCloseTo(referenceLoss(z, labels, mask, weights), 5);
    },
  );
});

describe('loss graph', () => {
  it('uses none of the ops the WebGPU EP lacks', () => {
    const ops = new Set(lossOnly(17).graph.nodes.map((n) => n.opType));
    expect(FORBIDDEN.filter((op) => ops.has(op))).toEqual([]);
  });

  it('refuses opsets before 13 and a model without the logits output', () => {
    expect(() => lossOnly(12)).toThrow(LossGraphError);
    const model = lossOnly(17);
    expect(() => appendTokenLoss(model, 'scores')).toThrow(/no output 'scores'/);
  });
});
