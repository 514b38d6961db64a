/**
 * The optimizer graph against torch.optim.RAdam / AdamW (+ clip_grad_norm_) single updates, float64 reference.
 * Tolerance 2e-6 of each tensor's scale: about 10 float32 operations per element (each within 6e-8 relative)
 * from inputs that are themselves float32. Measured: 1.8e-7 on the CPU and WebGPU EPs.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OPTIMIZER,
  stepScalars,
  STEP_SCALARS,
  type OptimizerConfig,
} from '../../../../src/lib/train/graph/optimizer-config';
import {
  buildOptimizerGraph,
  GRAD_NORM_OUTPUT,
  optimizerNames,
} from '../../../../src/lib/train/graph/optimizer-graph';
import { createSession } from '../../../../src/lib/train/graph/runtime';
import { BACKENDS, ort, runtimeFor } from './helpers/backends';
import { GradFixture, manifest, relativeMaxError } from './helpers/grad-fixtures';

const TOLERANCE = 2e-6;
const fixture = new GradFixture('gpt2-a');
const single = fixture.config.single_step!;
const hyper = manifest.optimizer;

function configFor(algorithm: 'radam' | 'adamw'): OptimizerConfig {
  return {
    algorithm,
    lr: hyper.lr,
    betas: hyper.betas,
    eps: hyper.eps,
    weightDecay: hyper.weight_decay,
    maxGradNorm: hyper.max_grad_norm,
  };
}

const tensors = single.names.map((name) => ({ name, dims: fixture.shape(`single.param.${name}`) }));

async function runStep(
  backend: 'cpu' | 'webgpu',
  config: OptimizerConfig,
  priorStep: number,
  gradOverride?: Float32Array,
) {
  const session = await createSession(runtimeFor(backend), buildOptimizerGraph(tensors).encode());
  const feeds: Record<string, ort.Tensor> = {};
  const scalars = stepScalars(config, priorStep + 1, config.lr);
  for (const s of STEP_SCALARS) feeds[s] = new ort.Tensor('float32', new Float32Array([scalars[s]]), []);
  for (const t of tensors) {
    const n = optimizerNames(t.name);
    const size = t.dims.reduce((a, b) => a * b, 1);
    const moment = (key: string) =>
      priorStep > 0 ? Float32Array.from(fixture.float(`single.${key}.${t.name}`)) : new Float32Array(size);
    feeds[n.param] = new ort.Tensor(
      'float32',
      Float32Array.from(fixture.float(`single.param.${t.name}`)),
      t.dims,
    );
    const grad =
      gradOverride && t.name === tensors[0]!.name ? gradOverride : fixture.float(`single.grad.${t.name}`);
    feeds[n.grad] = new ort.Tensor('float32', Float32Array.from(grad), t.dims);
    feeds[n.expAvg] = new ort.Tensor('float32', moment('exp_avg'), t.dims);
    feeds[n.expAvgSq] = new ort.Tensor('float32', moment('exp_avg_sq'), t.dims);
  }
  const out = await session.run(feeds);
  await session.release();
  return { out, feeds };
}

describe.each(BACKENDS)('optimizer graph on %s', (backend) => {
  const cases = single.cases.filter((c) => c.dtype === 'f64');
  it.each(cases)('matches torch $optimizer after step $prior_step', async (c) => {
    const { out } = await runStep(backend, configFor(c.optimizer), c.prior_step);
    expect(out[GRAD_NORM_OUTPUT]!.data[0] as number).toBeCloseTo(c.grad_norm, 4);
    for (const t of tensors) {
      const n = optimizerNames(t.name);
      const expected = (key: string) => fixture.float(`single.out.${c.case}.${key}.${t.name}`);
      expect(relativeMaxError(out[n.newParam]!.data as Float32Array, expected('param'))).toBeLessThan(
        TOLERANCE,
      );
      expect(relativeMaxError(out[n.newExpAvg]!.data as Float32Array, expected('exp_avg'))).toBeLessThan(
        TOLERANCE,
      );
      expect(relativeMaxError(out[n.newExpAvgSq]!.data as Float32Array, expected('exp_avg_sq'))).toBeLessThan(
        TOLERANCE,
      );
    }
  });

  it('leaves every tensor unchanged when a gradient is not finite', async () => {
    const size = tensors[0]!.dims.reduce((a, b) => a * b, 1);
    const bad = new Float32Array(size).fill(0.5);
    bad[1] = Number.POSITIVE_INFINITY;
    const { out, feeds } = await runStep(backend, DEFAULT_OPTIMIZER, 3, bad);
    expect(Number.isFinite(out[GRAD_NORM_OUTPUT]!.data[0] as number)).toBe(false);
    for (const t of tensors) {
      const n = optimizerNames(t.name);
      expect(out[n.newParam]!.data).toEqual(feeds[n.param]!.data);
      expect(out[n.newExpAvg]!.data).toEqual(feeds[n.expAvg]!.data);
      expect(out[n.newExpAvgSq]!.data).toEqual(feeds[n.expAvgSq]!.data);
    }
  });
});

describe('step scalars', () => {
  it('switch RAdam from momentum to the rectified update when rho_t exceeds 5 (step 6 for beta2 0.999)', () => {
    const config = { ...DEFAULT_OPTIMIZER, lr: 1 };
    expect(stepScalars(config, 5, 1)['opt.denom_scale']).toBe(0);
    expect(stepScalars(config, 6, 1)['opt.denom_scale']).toBe(1);
  });

  it('decay AdamW weights by lr · weight decay, and feed RAdam weight decay as L2 on the gradient', () => {
    const adamw = stepScalars({ ...DEFAULT_OPTIMIZER, algorithm: 'adamw', weightDecay: 0.1 }, 1, 0.01);
    expect(adamw['opt.decay']).toBeCloseTo(0.999, 12);
    expect(adamw['opt.l2']).toBe(0);
    const radam = stepScalars({ ...DEFAULT_OPTIMIZER, weightDecay: 0.1 }, 1, 0.01);
    expect(radam['opt.decay']).toBe(1);
    expect(radam['opt.l2']).toBe(0.1);
  });
});
