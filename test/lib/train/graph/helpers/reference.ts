/**
 * What the training graphs are compared with, and how closely: PyTorch's loss and gradients from the grad
 * fixtures, and the tolerances with their reasons. Shared by the Node tests (gradients.test.ts, trainer.test.ts)
 * and the browser spec (e2e/training-graphs.spec.ts), so that both hold ORT Web and onnxruntime-node to the same
 * bounds. No file system here: the browser page imports it too.
 */
import type { LoraAdapter } from '../../../../../src/lib/train/graph/lora';
import type { OptimizerConfig } from '../../../../../src/lib/train/graph/optimizer-config';
import type { TrainableSpec } from '../../../../../src/lib/train/graph/selection';
import { relativeMaxError, type FixtureManifest, type GradFixtureData } from './grad-fixture-data';

/**
 * Gradient tolerance, per tensor, relative to its scale (max |torch float64|): 1e-6 + 4 × the largest error
 * PyTorch's own float32 gradients have in the same case (against float64). That largest error measures how well
 * conditioned the case is in float32 (8.7e-7 for the full decoders, 6.6e-6 for gpt2-a's LoRA adapters); our
 * graph runs in float32 too, in other summation orders (other reductions on the GPU), so errors of that size are
 * expected, while a wrong rule errs by O(1) of the scale and fails by far.
 */
export const gradientTolerance = (torchFloat32Error: number): number => 1e-6 + 4 * torchFloat32Error;

/** Loss, relative: float32 rounding of a sum over the fixture's 15 real tokens. */
export const LOSS_TOLERANCE = 1e-6;

/**
 * The trainer against PyTorch's float32 trajectory (8 LoRA steps): both sides run float32 in different orders
 * and differences compound over the steps; measured on the CPU and WebGPU EPs: losses within 1.2e-6 relative,
 * final adapters within 3.5e-6 of their scale. A wrong update (lr, bias correction, rectification, clipping,
 * weight decay) is off by 1e-2 or more.
 */
export const TRAJECTORY_TOLERANCE = { loss: 1e-5, weights: 5e-5 } as const;

/** The fixtures' LoRA: rank 2, alpha 4, on every projection of every block. */
export const FIXTURE_LORA: TrainableSpec = {
  kind: 'lora',
  rank: 2,
  alpha: 4,
  roles: ['self-attn', 'cross-attn', 'mlp'],
  seed: 0,
};

/** The fixtures' optimizer hyper-parameters (lr 1e-2, weight decay, clipping at 1) for one algorithm. */
export function fixtureOptimizer(manifest: FixtureManifest, algorithm: 'radam' | 'adamw'): OptimizerConfig {
  const h = manifest.optimizer;
  return {
    algorithm,
    lr: h.lr,
    betas: h.betas,
    eps: h.eps,
    weightDecay: h.weight_decay,
    maxGradNorm: h.max_grad_norm,
  };
}

/** Which fixture gradients a case compares with: the decoder's weights, or the LoRA adapters. */
export type ReferenceKind = 'weights' | 'lora';

export interface GradientReference {
  readonly loss: number;
  /** trainable name → PyTorch float64 gradient. */
  readonly gradients: ReadonlyMap<string, Float32Array | Float64Array>;
  /** Largest error of PyTorch's float32 gradients against its float64 ones, relative to each tensor's scale. */
  readonly torchFloat32Error: number;
}

/** PyTorch's loss and gradients for a fixture, under the trainable names of artifacts built from it. */
export function gradientReference(
  fixture: GradFixtureData,
  kind: ReferenceKind,
  adapters: readonly Pick<LoraAdapter, 'a' | 'b' | 'target'>[],
): GradientReference {
  /** trainable → fixture key of its gradient, without the precision part. */
  const keys = new Map<string, (precision: 'f32' | 'f64') => string>();
  if (kind === 'lora') {
    for (const a of adapters) {
      keys.set(a.a, (p) => `lora.gradA.${p}.${a.target}`);
      keys.set(a.b, (p) => `lora.gradB.${p}.${a.target}`);
    }
  } else {
    for (const w of fixture.config.gradients.weights!) keys.set(w, (p) => `grad.${p}.${w}`);
  }
  const torchFloat32Error = Math.max(
    ...[...keys.values()].map((key) =>
      relativeMaxError(fixture.float(key('f32')), fixture.float(key('f64'))),
    ),
  );
  return {
    loss: kind === 'lora' ? fixture.config.lora!.loss_f64 : fixture.config.gradients.loss_f64,
    gradients: new Map([...keys].map(([name, key]) => [name, fixture.float(key('f64'))])),
    torchFloat32Error,
  };
}
