/**
 * The preference (DPO) loss: its value and every row's log-probability against a float64 reference written
 * from the formula, filler pairs left out, margins far beyond exp's range, and its gradient through our
 * autodiff against the closed form −β·σ(−β·h)·(∇logp(chosen) − ∇logp(rejected)) on the logits.
 */
import { describe, expect, it } from 'vitest';
import { buildGradientGraph } from '../../../../src/lib/onnx/autodiff/build-gradient-graph';
import { OnnxModel } from '../../../../src/lib/onnx/graph/model';
import { DataType, float32Tensor } from '../../../../src/lib/onnx/proto/tensor';
import { LOSS_NAMES, LossGraphError } from '../../../../src/lib/train/graph/loss';
import { appendPreferenceLoss, PREFERENCE_NAMES } from '../../../../src/lib/train/graph/preference-loss';
import { createSession } from '../../../../src/lib/train/graph/runtime';
import { BACKENDS, ort, runtimeFor } from './helpers/backends';

const SEQ = 2;
const VOCAB = 3;

/** logits = z ([2·pairs, SEQ, VOCAB]), as an input or as a trainable initializer. */
function preferenceOnly(pairs: number, beta: number, z?: readonly number[], alpha = 0): OnnxModel {
  const model = new OnnxModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'logits' },
  });
  const dims = [2 * pairs, SEQ, VOCAB];
  if (z) model.graph.initializers.set('z', float32Tensor('z', dims, z));
  else model.graph.addInput('z', DataType.FLOAT, dims);
  model.graph.addNode('Identity', ['z'], { outputs: ['logits'] });
  model.graph.addOutput('logits', DataType.FLOAT, dims);
  appendPreferenceLoss(model, pairs, { beta, chosenWeight: alpha });
  return model;
}

interface Case {
  z: number[];
  labels: number[];
  mask: number[];
  weights: number[];
  reference: number[];
}

function rowLogp(c: Case, row: number): number {
  let logp = 0;
  for (let t = 0; t < SEQ; t++) {
    const r = row * SEQ + t;
    const logits = c.z.slice(r * VOCAB, r * VOCAB + VOCAB);
    const max = Math.max(...logits);
    const lse = max + Math.log(logits.reduce((s, v) => s + Math.exp(v - max), 0));
    logp -= c.mask[r]! * (lse - logits[c.labels[r]!]!);
  }
  return logp;
}

const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

function referenceLoss(c: Case, pairs: number, beta: number, alpha = 0): { loss: number; logp: number[] } {
  const logp = Array.from({ length: 2 * pairs }, (_, row) => rowLogp(c, row));
  let total = 0;
  let weight = 0;
  let chosenNll = 0;
  let chosenTokens = 0;
  for (let p = 0; p < pairs; p++) {
    const h = logp[p]! - c.reference[p]! - (logp[pairs + p]! - c.reference[pairs + p]!);
    total += c.weights[p]! * softplus(-beta * h);
    weight += c.weights[p]!;
    chosenNll -= c.weights[p]! * logp[p]!;
    for (let t = 0; t < SEQ; t++) chosenTokens += c.weights[p]! * c.mask[p * SEQ + t]!;
  }
  return { loss: total / weight + alpha * (chosenNll / chosenTokens), logp };
}

function feeds(c: Case, pairs: number, withLogits: boolean) {
  const rows = 2 * pairs;
  return {
    ...(withLogits ? { z: new ort.Tensor('float32', Float32Array.from(c.z), [rows, SEQ, VOCAB]) } : {}),
    [LOSS_NAMES.labels]: new ort.Tensor('int64', BigInt64Array.from(c.labels, BigInt), [rows, SEQ, 1]),
    [LOSS_NAMES.mask]: new ort.Tensor('float32', Float32Array.from(c.mask), [rows, SEQ]),
    [LOSS_NAMES.weights]: new ort.Tensor('float32', Float32Array.from(c.weights), [rows]),
    [PREFERENCE_NAMES.reference]: new ort.Tensor('float32', Float32Array.from(c.reference), [rows]),
  };
}

/** Two pairs: the second one a filler (weight 0, no tokens); logits far beyond exp's float32 range. */
const TWO_PAIRS: Case = {
  z: [
    ...[200, 199, 150, 1, 2, 3], // chosen 0
    ...[0.1, 0.2, 0.3, 0.3, 0.2, 0.1], // chosen 1 (filler)
    ...[-300, -310, -305, 0.5, 0.25, 0], // rejected 0
    ...[0, 0, 0, 0, 0, 0], // rejected 1 (filler)
  ],
  labels: [1, 2, 0, 0, 2, 1, 0, 0],
  mask: [1, 1, 0, 0, 1, 0, 0, 0],
  weights: [1, 0, 1, 0],
  reference: [-1.5, 0, -20, 0],
};

describe.each(BACKENDS)('preference loss on %s', (backend) => {
  it.each([
    [0.1, 0],
    [1, 0],
    [50, 0],
    [0.1, 1],
    [1, 0.3],
  ])('equals the formula and outputs every row’s log-probability (β = %f, α = %f)', async (beta, alpha) => {
    const model = preferenceOnly(2, beta, undefined, alpha);
    const session = await createSession(runtimeFor(backend), model.encode());
    const out = await session.run(feeds(TWO_PAIRS, 2, true));
    await session.release();
    const expected = referenceLoss(TWO_PAIRS, 2, beta, alpha);
    expect(out[LOSS_NAMES.loss]!.data[0] as number).toBeCloseTo(expected.loss, 4);
    const logp = Array.from(out[PREFERENCE_NAMES.sequenceLogp]!.data as Float32Array);
    logp.forEach((v, i) => expect(v).toBeCloseTo(expected.logp[i]!, 3));
    expect(Math.abs(logp[1]!)).toBe(0); // a filler row has no tokens
  });
});

describe('preference loss gradient', () => {
  it.each([0, 0.7])(
    'is −β·σ(−β·h)·(softmax − one-hot) with opposite signs on chosen and rejected rows, + α·CE on chosen (α = %f)',
    async (alpha) => {
      const pairs = 1;
      const beta = 0.5;
      const c: Case = {
        z: [0.3, -0.2, 0.9, 1.1, 0.4, -0.7, -0.5, 0.8, 0.2, 0.0, 0.6, -0.3],
        labels: [2, 0, 1, 1],
        mask: [1, 1, 1, 1],
        weights: [1, 1],
        reference: [-2, -1.5],
      };
      const model = preferenceOnly(pairs, beta, c.z, alpha);
      const graph = buildGradientGraph(model, {
        loss: LOSS_NAMES.loss,
        trainable: ['z'],
        keepOutputs: [PREFERENCE_NAMES.sequenceLogp],
        inputShapes: {
          [LOSS_NAMES.labels]: [2, SEQ, 1],
          [LOSS_NAMES.mask]: [2, SEQ],
          [LOSS_NAMES.weights]: [2],
          [PREFERENCE_NAMES.reference]: [2],
        },
      });
      const session = await createSession(runtimeFor('cpu'), graph.model.encode());
      const out = await session.run({
        ...feeds(c, pairs, false),
        z: new ort.Tensor('float32', Float32Array.from(c.z), [2, SEQ, VOCAB]),
      });
      await session.release();
      const grad = Array.from(out[graph.gradients.get('z')!]!.data as Float32Array);

      const { logp } = referenceLoss(c, pairs, beta);
      const h = logp[0]! - c.reference[0]! - (logp[1]! - c.reference[1]!);
      const scale = beta / (1 + Math.exp(beta * h)); // β·σ(−β·h)
      for (let row = 0; row < 2; row++) {
        const sign = row === 0 ? 1 : -1; // loss falls as the chosen caption's logp rises
        for (let t = 0; t < SEQ; t++) {
          const r = row * SEQ + t;
          const logits = c.z.slice(r * VOCAB, r * VOCAB + VOCAB);
          const sum = logits.reduce((s, v) => s + Math.exp(v), 0);
          for (let v = 0; v < VOCAB; v++) {
            const dLogp = (v === c.labels[r] ? 1 : 0) - Math.exp(logits[v]!) / sum;
            const ce = row === 0 ? (-alpha * dLogp) / SEQ : 0; // the chosen row's mean token CE
            expect(grad[r * VOCAB + v]).toBeCloseTo(-sign * scale * dLogp + ce, 5);
          }
        }
      }
    },
  );

  it('refuses no pairs and a temperature that is not positive', () => {
    expect(() => preferenceOnly(0, 0.1)).toThrow(LossGraphError);
    expect(() => preferenceOnly(1, 0)).toThrow(/temperature/);
    expect(() => preferenceOnly(1, 0.1, undefined, -1)).toThrow(/weight α/);
  });
});
