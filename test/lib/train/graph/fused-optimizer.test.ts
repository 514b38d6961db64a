/**
 * The fused optimizer graph (one update over the concatenated tensors, flat moments) against the per-tensor
 * graph it replaced (helpers/per-tensor-optimizer.ts), on random tensors of mixed shapes for several steps:
 * both must give the same values within 1e-6 of each tensor's scale. Gradients are large enough that clipping
 * acts, and RAdam runs into its rectified phase (from step 6). CPU EP; 60 tensors (a tree of Splits) also on
 * the WebGPU EP, which runs the fused graph in optimizer-graph.test.ts and placement.test.ts too.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIMIZER, type OptimizerConfig } from '../../../../src/lib/train/graph/optimizer-config';
import {
  GRAD_NORM_OUTPUT,
  buildOptimizerGraph,
  optimizerGroups,
  optimizerNames,
  type TrainableTensor,
} from '../../../../src/lib/train/graph/optimizer-graph';
import { createSession } from '../../../../src/lib/train/graph/runtime';
import { ort, runtimeFor, WEBGPU_CONFIGURED, type Backend } from './helpers/backends';
import { relativeMaxError } from './helpers/grad-fixtures';
import { runFusedOptimizer, scalarFeeds, type TensorState } from './helpers/optimizer-run';
import { buildPerTensorOptimizerGraph, perTensorNames } from './helpers/per-tensor-optimizer';

const TOLERANCE = 1e-6;
const STEPS = 8;

const MIXED: TrainableTensor[] = [
  { name: 'w', dims: [6, 4] },
  { name: 'b', dims: [4] },
  { name: 'lora.a', dims: [6, 2] },
  { name: 'lora.b', dims: [2, 4] },
  { name: 'cube', dims: [2, 3, 5] },
  { name: 'ln', dims: [7] },
];

/** Deterministic values in [-scale, scale) (a small LCG: the same tensors every run). */
function random(size: number, seed: number, scale: number): Float32Array {
  let x = seed;
  return Float32Array.from({ length: size }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x / 2147483648 - 0.5) * 2 * scale;
  });
}

async function runPerTensor(
  backend: Backend,
  tensors: readonly TrainableTensor[],
  state: ReadonlyMap<string, TensorState>,
  config: OptimizerConfig,
  step: number,
) {
  const session = await createSession(runtimeFor(backend), buildPerTensorOptimizerGraph(tensors).encode());
  const feeds = scalarFeeds(config, step);
  for (const t of tensors) {
    const n = perTensorNames(t.name);
    const s = state.get(t.name)!;
    feeds[n.param] = new ort.Tensor('float32', Float32Array.from(s.param), t.dims);
    feeds[n.grad] = new ort.Tensor('float32', Float32Array.from(s.grad), t.dims);
    feeds[n.expAvg] = new ort.Tensor('float32', Float32Array.from(s.expAvg), t.dims);
    feeds[n.expAvgSq] = new ort.Tensor('float32', Float32Array.from(s.expAvgSq), t.dims);
  }
  const out = await session.run(feeds);
  await session.release();
  const data = (name: string) => out[name]!.data as Float32Array;
  return {
    gradNorm: data(GRAD_NORM_OUTPUT)[0]!,
    tensors: new Map(
      tensors.map((t) => {
        const n = perTensorNames(t.name);
        return [
          t.name,
          { param: data(n.newParam), expAvg: data(n.newExpAvg), expAvgSq: data(n.newExpAvgSq) },
        ];
      }),
    ),
  };
}

/** Runs both graphs for STEPS updates from the same start, each on its own state, with fresh gradients per step. */
async function compare(
  tensors: readonly TrainableTensor[],
  config: OptimizerConfig,
  backend: Backend = 'cpu',
  steps = STEPS,
  cap?: number,
): Promise<number> {
  const start = (t: TrainableTensor, i: number): Omit<TensorState, 'grad'> => {
    const size = t.dims.reduce((a, b) => a * b, 1);
    return {
      param: random(size, 7 + i, 1),
      expAvg: new Float32Array(size),
      expAvgSq: new Float32Array(size),
    };
  };
  let fused = new Map(tensors.map((t, i) => [t.name, start(t, i)]));
  let reference = new Map(tensors.map((t, i) => [t.name, start(t, i)]));
  let worst = 0;
  for (let step = 1; step <= steps; step++) {
    // Norms from ~0.3 to ~10: clipping (max 1) acts on some steps and not on others.
    const grads = new Map(
      tensors.map((t, i) => [
        t.name,
        random(
          t.dims.reduce((a, b) => a * b, 1),
          100 * step + i,
          0.05 * step ** 2,
        ),
      ]),
    );
    const withGrads = (s: ReadonlyMap<string, Omit<TensorState, 'grad'>>) =>
      new Map([...s].map(([name, v]) => [name, { ...v, grad: grads.get(name)! }]));
    const a = await runFusedOptimizer(backend, tensors, withGrads(fused), config, step, cap);
    const b = await runPerTensor('cpu', tensors, withGrads(reference), config, step);
    expect(Math.abs(a.gradNorm - b.gradNorm) / b.gradNorm).toBeLessThan(TOLERANCE);
    for (const t of tensors) {
      const x = a.tensors.get(t.name)!;
      const y = b.tensors.get(t.name)!;
      for (const key of ['param', 'expAvg', 'expAvgSq'] as const)
        worst = Math.max(worst, relativeMaxError(x[key], y[key]));
    }
    fused = a.tensors;
    reference = b.tensors;
  }
  return worst;
}

const configs: [string, OptimizerConfig][] = [
  ['radam', { ...DEFAULT_OPTIMIZER, lr: 1e-2, weightDecay: 0.01 }],
  ['adamw', { ...DEFAULT_OPTIMIZER, algorithm: 'adamw', lr: 1e-2, weightDecay: 0.1 }],
  ['adamw without clipping', { ...DEFAULT_OPTIMIZER, algorithm: 'adamw', lr: 1e-3, maxGradNorm: null }],
];

describe('fused optimizer graph against the per-tensor graph (CPU EP)', () => {
  it.each(configs)('%s: equal within 1e-6 over 8 steps on tensors of mixed shapes', async (_, config) => {
    expect(await compare(MIXED, config)).toBeLessThan(TOLERANCE);
  });

  it.each([[[{ name: 'only', dims: [3, 5] }]], [[{ name: 'only', dims: [9] }]]])(
    'handles a single trainable tensor (%j)',
    async (tensors) => {
      expect(await compare(tensors, DEFAULT_OPTIMIZER)).toBeLessThan(TOLERANCE);
    },
  );
});

describe('fused-update groups', () => {
  it('cuts the tensors in order, a new group when the next would not fit, an oversized tensor alone', () => {
    const sizes = optimizerGroups(MIXED, 30).map((g) => g.map((t) => t.name));
    // w 24, b 4 | lora.a 12, lora.b 8 | cube 30 | ln 7
    expect(sizes).toEqual([['w', 'b'], ['lora.a', 'lora.b'], ['cube'], ['ln']]);
    expect(
      optimizerGroups(
        [
          { name: 'big', dims: [50] },
          { name: 'small', dims: [2] },
        ],
        30,
      ),
    ).toHaveLength(2);
    expect(optimizerGroups(MIXED)).toHaveLength(1);
  });

  it.each(configs)(
    '%s: several groups (one global norm and clip) equal the per-tensor graph within 1e-6',
    async (_, config) => {
      expect(await compare(MIXED, config, 'cpu', STEPS, 30)).toBeLessThan(TOLERANCE);
    },
  );
});

/** 60 tensors: the new values come back through a tree of Splits (at most 7 outputs each, the WebGPU limit). */
const MANY: TrainableTensor[] = Array.from({ length: 60 }, (_, i) => ({
  name: `t${i}`,
  dims: i % 3 === 0 ? [i + 1] : [2, i + 1],
}));

describe('fused optimizer graph with many tensors', () => {
  it('writes every new value flat, with no Reshape (a Reshape into an output costs ORT a copy)', () => {
    const g = buildOptimizerGraph(MANY).graph;
    expect(g.nodes.map((n) => n.opType)).not.toContain('Reshape');
    for (const t of MANY) {
      const out = g.outputs.find((o) => o.name === optimizerNames(t.name).newParam)!;
      const dims = out.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue));
      expect(dims).toEqual([t.dims.reduce((a, b) => a * b, 1)]);
    }
  });

  it('matches the per-tensor graph on the CPU EP', async () => {
    expect(await compare(MANY, DEFAULT_OPTIMIZER, 'cpu', 2)).toBeLessThan(TOLERANCE);
  });

  // WebGPU's square roots and divisions may be 2.5 ulp off: the bound of optimizer-graph.test.ts.
  it.runIf(WEBGPU_CONFIGURED)(
    'runs on the WebGPU EP and matches the CPU per-tensor graph',
    async () => {
      expect(await compare(MANY, DEFAULT_OPTIMIZER, 'webgpu', 2)).toBeLessThan(2e-6);
    },
    120_000,
  );
});
