/**
 * torch.onnx exports scaled_dot_product_attention with the scale split over both operands,
 * MatMul(q · √s, kᵀ · √s) (torch does so for fp16 range); in a training graph that is two scalar Muls forward and
 * two more backward per attention. MatMul(a·c₁, b·c₂) = MatMul(a·(c₁c₂), b): one Mul is left, on the first operand
 * (8 kernels fewer per GPT-2 block with cross-attention: two attentions, one Mul each way). The result differs from
 * the split form by float32 rounding only.
 *
 * Merged only where both Muls multiply by a constant scalar and feed that MatMul alone.
 */
import { float32Tensor, DataType } from '../proto/tensor';
import type { NodeProto } from '../proto/types';
import { isOnnxOp, type Graph } from './graph';
import type { Known } from './infer/common';

/** Merges in place; returns how many MatMuls lost a scale. `known` gives constant values and types. */
export function mergeMatMulScales(graph: Graph, known: ReadonlyMap<string, Known>): number {
  const producers = graph.producers();
  const consumers = graph.consumers();
  const graphOutputs = new Set(graph.outputs.map((o) => o.name ?? ''));
  const variables = new Set(graph.inputs.map((i) => i.name ?? ''));

  /** [the other operand, the scalar] of a float32 Mul by a constant scalar that feeds `user` alone. */
  const scaled = (tensor: string, user: NodeProto): [string, number] | undefined => {
    const mul = producers.get(tensor);
    const users = consumers.get(tensor) ?? [];
    if (!isOnnxOp(mul) || mul.opType !== 'Mul' || mul.input?.length !== 2) return undefined;
    if (graphOutputs.has(tensor) || users.length !== 1 || users[0] !== user) return undefined;
    if (known.get(tensor)?.dtype !== DataType.FLOAT) return undefined;
    for (const [x, c] of [mul.input, [...mul.input].reverse()] as [string, string][]) {
      const k = known.get(c);
      const v = k?.value;
      if (variables.has(c) || !v || v.length !== 1 || (k.dims?.length ?? 0) > 1) continue;
      if (typeof v[0] === 'number') return [x, v[0]];
    }
    return undefined;
  };

  const dropped = new Set<NodeProto>();
  let merged = 0;
  for (const matmul of graph.nodes) {
    if (!isOnnxOp(matmul) || matmul.opType !== 'MatMul' || matmul.input?.length !== 2) continue;
    const [a, b] = matmul.input as [string, string];
    if (a === b) continue;
    const left = scaled(a, matmul);
    const right = scaled(b, matmul);
    if (!left || !right) continue;
    const leftMul = producers.get(a)!;
    const scale = graph.addConstant(
      `${matmul.name ?? 'MatMul'}_scale`,
      float32Tensor('', [], [left[1] * right[1]]),
    );
    leftMul.input = [left[0], scale];
    matmul.input = [a, right[0]];
    dropped.add(producers.get(b)!);
    merged++;
  }
  graph.nodes = graph.nodes.filter((n) => !dropped.has(n));
  return merged;
}
