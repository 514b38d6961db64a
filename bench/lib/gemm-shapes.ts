/**
 * The matrix products that make up a real-size ViT-GPT2 training step (batch 8 × 20 tokens, 197 encoder states,
 * width 768): the step's own profile (docs/measurements/train-step-profile.json) puts 85 % of a WASM LoRA step in
 * Gemm and MatMul, so how fast one such product runs bounds how fast the step can run on each runtime.
 * `npm run bench -- gemm` times each alone, as a one-node ONNX graph on ONNX Runtime and as `x @ w` in PyTorch.
 */
import { OnnxModel } from '../../src/lib/onnx/graph/model';
import { DataType, float32Tensor } from '../../src/lib/onnx/proto/tensor';
import { SeededRandom } from '../../src/lib/core/rng';

export interface GemmShape {
  readonly name: string;
  /** x [m, k] times w [k, n]. */
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** Where the step runs it, and how often per step (forward and backward). */
  readonly role: string;
}

export const STEP_GEMMS: readonly GemmShape[] = [
  {
    name: 'cross-attention-kv',
    m: 8 * 197,
    k: 768,
    n: 1536,
    role: 'keys and values of the encoder states, 12 per step (26 % of a WASM LoRA step)',
  },
  { name: 'mlp-up', m: 8 * 20, k: 768, n: 3072, role: 'MLP up-projection, 12 forward + 12 backward' },
  {
    name: 'vocab-head',
    m: 8 * 20,
    k: 768,
    n: 50257,
    role: 'the tied output projection, 1 forward + 1 backward',
  },
];

export const gemmFlops = (s: GemmShape): number => 2 * s.m * s.k * s.n;

/** One Gemm node, x as the input and w as a seeded N(0, 0.02²)-ish initializer (values do not change the time). */
export function gemmModel(s: GemmShape): Uint8Array {
  const model = new OnnxModel({
    irVersion: 9,
    producerName: 'capgrad-bench',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: s.name },
  });
  const random = new SeededRandom(7);
  const w = Float32Array.from({ length: s.k * s.n }, () => random.uniform(0.035));
  const g = model.graph;
  g.addInput('x', DataType.FLOAT, [s.m, s.k]);
  g.initializers.set('w', float32Tensor('w', [s.k, s.n], w));
  g.addOutput(g.add('Gemm', ['x', 'w']), DataType.FLOAT, [s.m, s.n]);
  return model.encode();
}

export interface GemmTiming {
  readonly name: string;
  readonly ms: number;
  readonly gflops: number;
}

/** Median milliseconds of `repeats` runs after `warmup`, and the GFLOP/s that makes. */
export async function timeGemm(
  s: GemmShape,
  run: () => Promise<unknown>,
  warmup = 2,
  repeats = 7,
): Promise<GemmTiming> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  const ms = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  return { name: s.name, ms, gflops: gemmFlops(s) / ms / 1e6 };
}
