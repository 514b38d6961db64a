/**
 * Optimizer settings and the per-step scalars the optimizer graph reads.
 *
 * RAdam and AdamW (as torch.optim implements them) share one update, written so that only scalars differ:
 *   g'  = clip · s · g + l2 · p                      (s: 1 / accumulated micro-batches; l2: RAdam's weight decay)
 *   m'  = β1 · m + (1 − β1) · g'
 *   v'  = β2 · v + (1 − β2) · g'²
 *   p'  = decay · p − stepSize · m' / (denomScale · √v' + eps)
 * AdamW:  decay = 1 − lr·wd, stepSize = lr / (1 − β1^t), denomScale = 1 / √(1 − β2^t), eps = ε.
 * RAdam:  l2 = wd; when ρ_t > 5: stepSize = lr · r_t · √(1 − β2^t) / (1 − β1^t), denomScale = 1, eps = ε;
 *         else (the first steps, plain momentum): stepSize = lr / (1 − β1^t), denomScale = 0, eps = 1.
 * These scalars depend on the step t; they are computed here in float64 and fed as graph inputs, because in
 * float32 inside the graph 1 − β2^t loses ~1e-4 of relative accuracy at t = 1. The step still drives them:
 * the graph's inputs are the step's scalars, and a learning-rate schedule only changes `lr` here.
 */

export type OptimizerAlgorithm = 'radam' | 'adamw';

export interface OptimizerConfig {
  readonly algorithm: OptimizerAlgorithm;
  readonly lr: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  /** Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_); null: no clipping. */
  readonly maxGradNorm: number | null;
}

/** The seed's defaults: RAdam, lr 5e-5. */
export const DEFAULT_OPTIMIZER: OptimizerConfig = {
  algorithm: 'radam',
  lr: 5e-5,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  maxGradNorm: 1.0,
};

/** Names of the optimizer graph's scalar inputs, in the order stepScalars returns them. */
export const STEP_SCALARS = [
  'opt.grad_scale',
  'opt.max_grad_norm',
  'opt.l2',
  'opt.beta1',
  'opt.one_minus_beta1',
  'opt.beta2',
  'opt.one_minus_beta2',
  'opt.decay',
  'opt.step_size',
  'opt.denom_scale',
  'opt.eps',
] as const;

export type StepScalarName = (typeof STEP_SCALARS)[number];

/** A setting is out of range; the message names it and the valid range. */
export class OptimizerConfigError extends Error {
  override readonly name = 'OptimizerConfigError';
}

export function validateOptimizer(config: OptimizerConfig): void {
  const [b1, b2] = config.betas;
  if (config.algorithm !== 'radam' && config.algorithm !== 'adamw')
    throw new OptimizerConfigError(`algorithm must be 'radam' or 'adamw', got '${String(config.algorithm)}'`);
  if (!(config.lr >= 0)) throw new OptimizerConfigError(`lr must be ≥ 0, got ${config.lr}`);
  if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1))
    throw new OptimizerConfigError(`betas must be in [0, 1), got [${b1}, ${b2}]`);
  if (!(config.eps > 0)) throw new OptimizerConfigError(`eps must be > 0, got ${config.eps}`);
  if (!(config.weightDecay >= 0))
    throw new OptimizerConfigError(`weightDecay must be ≥ 0, got ${config.weightDecay}`);
  if (config.maxGradNorm !== null && !(config.maxGradNorm > 0))
    throw new OptimizerConfigError(`maxGradNorm must be > 0 or null, got ${config.maxGradNorm}`);
}

/**
 * Scalars for update number `step` (1-based, as torch counts) at learning rate `lr`, averaging
 * `accumulated` micro-batch gradients.
 */
export function stepScalars(
  config: OptimizerConfig,
  step: number,
  lr: number,
  accumulated = 1,
): Record<StepScalarName, number> {
  if (!Number.isInteger(step) || step < 1)
    throw new OptimizerConfigError(`step must be an integer ≥ 1, got ${step}`);
  const [b1, b2] = config.betas;
  const bc1 = 1 - b1 ** step;
  const bc2 = 1 - b2 ** step;
  const common = {
    'opt.grad_scale': 1 / accumulated,
    'opt.max_grad_norm': config.maxGradNorm ?? Infinity,
    'opt.beta1': b1,
    'opt.one_minus_beta1': 1 - b1,
    'opt.beta2': b2,
    'opt.one_minus_beta2': 1 - b2,
  };
  if (config.algorithm === 'adamw') {
    return {
      ...common,
      'opt.l2': 0,
      'opt.decay': 1 - lr * config.weightDecay,
      'opt.step_size': lr / bc1,
      'opt.denom_scale': 1 / Math.sqrt(bc2),
      'opt.eps': config.eps,
    };
  }
  const rhoInf = 2 / (1 - b2) - 1;
  const rho = rhoInf - (2 * step * b2 ** step) / bc2;
  const rectified = rho > 5;
  const rect = rectified
    ? Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho))
    : 0;
  return {
    ...common,
    'opt.l2': config.weightDecay,
    'opt.decay': 1,
    'opt.step_size': rectified ? (lr * rect * Math.sqrt(bc2)) / bc1 : lr / bc1,
    'opt.denom_scale': rectified ? 1 : 0,
    'opt.eps': rectified ? config.eps : 1,
  };
}
