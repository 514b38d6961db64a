/**
 * The (fused) optimizer graph against torch.optim.RAdam / AdamW (+ clip_grad_norm_) single updates, float64 reference.
 * Tolerance 2e-6 of each tensor's scale: about 10 float32 operations per element (each within 6e-8 relative)
 * from inputs that are themselves float32. Measured: 1.8e-7 on the CPU and WebGPU EPs.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OPTIMIZER,
  stepScalars,
  type OptimizerConfig,
} from '../../../../src/lib/train/graph/optimizer-config';
import { BACKENDS } from './helpers/backends';
import { GradFixture, manifest, relativeMaxError } from './helpers/grad-fixtures';
import { runFusedOptimizer, type TensorState } from './helpers/optimizer-run';

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

/** The fixture's tensors before update number priorStep + 1 (zero moments before the first). */
function fixtureState(priorStep: number, gradOverride?: Float32Array): Map<string, TensorState> {
  return new Map(
    tensors.map((t) => {
      const size = t.dims.reduce((a, b) => a * b, 1);
      const moment = (key: string) =>
        priorStep > 0 ? Float32Array.from(fixture.float(`single.${key}.${t.name}`)) : new Float32Array(size);
      const grad =
        gradOverride && t.name === tensors[0]!.name ? gradOverride : fixture.float(`single.grad.${t.name}`);
      return [
        t.name,
        {
          param: Float32Array.from(fixture.float(`single.param.${t.name}`)),
          grad: Float32Array.from(grad),
          expAvg: moment('exp_avg'),
          expAvgSq: moment('exp_avg_sq'),
        },
      ];
    }),
  );
}

describe.each(BACKENDS)('optimizer graph on %s', (backend) => {
  const cases = single.cases.filter((c) => c.dtype === 'f64');
  it.each(cases)('matches torch $optimizer after step $prior_step', async (c) => {
    const config = configFor(c.optimizer);
    const out = await runFusedOptimizer(
      backend,
      tensors,
      fixtureState(c.prior_step),
      config,
      c.prior_step + 1,
    );
    expect(out.gradNorm).toBeCloseTo(c.grad_norm, 4);
    for (const t of tensors) {
      const got = out.tensors.get(t.name)!;
      const expected = (key: string) => fixture.float(`single.out.${c.case}.${key}.${t.name}`);
      expect(relativeMaxError(got.param, expected('param'))).toBeLessThan(TOLERANCE);
      expect(relativeMaxError(got.expAvg, expected('exp_avg'))).toBeLessThan(TOLERANCE);
      expect(relativeMaxError(got.expAvgSq, expected('exp_avg_sq'))).toBeLessThan(TOLERANCE);
    }
  });

  it('leaves every tensor unchanged when a gradient is not finite', async () => {
    const size = tensors[0]!.dims.reduce((a, b) => a * b, 1);
    const bad = new Float32Array(size).fill(0.5);
    bad[1] = Number.POSITIVE_INFINITY;
    const state = fixtureState(3, bad);
    const out = await runFusedOptimizer(backend, tensors, state, DEFAULT_OPTIMIZER, 4);
    expect(Number.isFinite(out.gradNorm)).toBe(false);
    for (const t of tensors) {
      const before = state.get(t.name)!;
      const after = out.tensors.get(t.name)!;
      expect(after.param).toEqual(before.param);
      expect(after.expAvg).toEqual(before.expAvg);
      expect(after.expAvgSq).toEqual(before.expAvgSq);
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
