/**
 * LoRA adapters: for a projection y = x · W (+ b), W seen as [in, out], the graph gets
 * y' = y + (alpha / rank) · (x · A) · B with A [in, rank] and B [rank, out] as new graph inputs (trainable);
 * W stays a frozen initializer. Folding writes W + (alpha / rank) · A · B back in W's stored layout.
 * Where the projection is a Gemm (its rows are 2-D, as torch exports GPT-2's Conv1D), the up-projection, the scale
 * and the sum are one Gemm(x · A, B, y, alpha = scale): one kernel instead of three forward, and a backward of two
 * Gemms with the scale inside them instead of a Mul and two Gemms (issue 16: the real-size LoRA training graph went
 * from 3,004 to 2,668 kernels on the CPU EP). Any other projection gets MatMul, MatMul, Mul, Add.
 */
import { float } from '../../onnx/graph/attributes';
import type { Graph } from '../../onnx/graph/graph';
import { float32Tensor, DataType } from '../../onnx/proto/tensor';
import { SeededRandom } from '../../core/rng';
import type { Projection } from './structure';

export interface LoraAdapter {
  /** The frozen weight the adapter adds to. */
  readonly target: string;
  readonly a: string;
  readonly b: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly rank: number;
  readonly scale: number;
  readonly layout: Projection['layout'];
}

/** The projection's output feeds a graph output directly, or its names collide: the adapter cannot go in. */
export class LoraInjectionError extends Error {
  override readonly name = 'LoraInjectionError';
}

export function loraInputNames(target: string): { a: string; b: string } {
  return { a: `${target}.lora_A`, b: `${target}.lora_B` };
}

/** Adds adapters to `graph` in place; returns them in the order of `targets`. */
export function injectLora(
  graph: Graph,
  targets: readonly Projection[],
  rank: number,
  alpha: number,
): LoraAdapter[] {
  const scale = alpha / rank;
  let scaleName: string | null = null;
  const adapters = targets.map((p): LoraAdapter => {
    const output = p.node.output![0]!;
    if (graph.outputs.some((o) => o.name === output))
      throw new LoraInjectionError(`projection ${p.weight} writes the graph output '${output}' directly`);
    const { a, b } = loraInputNames(p.weight);
    graph.addInput(a, DataType.FLOAT, [p.inFeatures, rank]);
    graph.addInput(b, DataType.FLOAT, [rank, p.outFeatures]);
    const down = graph.add('MatMul', [p.input, a]);
    const readers = graph.consumers().get(output) ?? [];
    let sum: string;
    if (p.node.opType === 'Gemm') {
      sum = graph.add('Gemm', [down, b, output], { alpha: float(scale) });
    } else {
      scaleName ??= graph.addConstant('lora_scale', float32Tensor('lora_scale', [], [scale]));
      const delta = graph.add('Mul', [graph.add('MatMul', [down, b]), scaleName]);
      sum = graph.add('Add', [output, delta]);
    }
    for (const reader of readers) reader.input = reader.input!.map((i) => (i === output ? sum : i));
    return {
      target: p.weight,
      a,
      b,
      inFeatures: p.inFeatures,
      outFeatures: p.outFeatures,
      rank,
      scale,
      layout: p.layout,
    };
  });
  graph.sortTopologically();
  return adapters;
}

/** Initial adapter values: A uniform in ±1/sqrt(in) (PEFT's kaiming-uniform bound), B zero. */
export function initLora(adapters: readonly LoraAdapter[], seed: number): Map<string, Float32Array> {
  const random = new SeededRandom(seed);
  const values = new Map<string, Float32Array>();
  for (const adapter of adapters) {
    const bound = 1 / Math.sqrt(adapter.inFeatures);
    const a = new Float32Array(adapter.inFeatures * adapter.rank);
    for (let i = 0; i < a.length; i++) a[i] = random.uniform(bound);
    values.set(adapter.a, a);
    values.set(adapter.b, new Float32Array(adapter.rank * adapter.outFeatures));
  }
  return values;
}

/** W + scale · A · B in W's stored layout (float64 accumulation, rounded once to float32). */
export function foldLora(
  weight: Float32Array,
  adapter: LoraAdapter,
  a: Float32Array,
  b: Float32Array,
): Float32Array {
  const { inFeatures: n, outFeatures: m, rank: r, scale } = adapter;
  if (weight.length !== n * m || a.length !== n * r || b.length !== r * m)
    throw new LoraInjectionError(
      `adapter for ${adapter.target}: sizes do not match [${n}, ${m}] with rank ${r}`,
    );
  const folded = new Float32Array(weight.length);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < m; o++) {
      let delta = 0;
      for (let k = 0; k < r; k++) delta += a[i * r + k]! * b[k * m + o]!;
      const at = adapter.layout === 'in-out' ? i * m + o : o * n + i;
      folded[at] = weight[at]! + scale * delta;
    }
  }
  return folded;
}
