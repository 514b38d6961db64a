/**
 * Replaces nodes whose outputs inference knows exactly (shape arithmetic once input shapes are fixed, constant
 * masks) by initializers. ORT places such small shape subgraphs (Shape → Gather → Concat → Reshape) on the CPU
 * EP even in a WebGPU session; folding them keeps every remaining node on the GPU.
 */
import {
  DataType,
  boolTensor,
  float16Tensor,
  float32Tensor,
  float64Tensor,
  int32Tensor,
  int64Tensor,
} from '../proto/tensor';
import type { TensorProto } from '../proto/types';
import { subgraphsOf } from './attributes';
import type { Graph } from './graph';
import type { Known } from './infer/common';
import { isStatic } from './tensor-info';

function tensorOf(name: string, k: Known): TensorProto | undefined {
  if (!k.value || !isStatic(k.dims) || !k.value.every((v) => typeof v === 'number')) return undefined;
  const v = k.value as number[];
  switch (k.dtype) {
    case DataType.FLOAT:
      return float32Tensor(name, k.dims, v);
    case DataType.DOUBLE:
      return float64Tensor(name, k.dims, v);
    case DataType.FLOAT16:
      return float16Tensor(name, k.dims, v);
    case DataType.INT64:
      return int64Tensor(name, k.dims, v);
    case DataType.INT32:
      return int32Tensor(name, k.dims, v);
    case DataType.BOOL:
      return boolTensor(
        name,
        k.dims,
        v.map((x) => x !== 0),
      );
    default:
      return undefined;
  }
}

export interface FoldOptions {
  /** Initializers that are variables (weights about to be trained): nothing computed from them is folded. */
  readonly variables?: Iterable<string>;
}

/**
 * Folds in place; returns how many nodes it replaced. Graph outputs are never folded away, nor anything that
 * depends on the values of a graph input or of a tensor named in `variables` (their static shapes may be used).
 */
export function foldConstants(
  graph: Graph,
  known: ReadonlyMap<string, Known>,
  options: FoldOptions = {},
): number {
  const graphOutputs = new Set(graph.outputs.map((o) => o.name ?? ''));
  const variable = new Set([...graph.inputs.map((i) => i.name ?? ''), ...(options.variables ?? [])]);
  const kept = [];
  let folded = 0;
  for (const node of graph.topologicalOrder()) {
    const outs = node.output ?? [];
    // Shape and Size read only the (static) dims of their input, never its values.
    const readsValues = node.opType !== 'Shape' && node.opType !== 'Size';
    if (readsValues && (node.input ?? []).some((i) => variable.has(i))) {
      for (const o of outs) variable.add(o);
      kept.push(node);
      continue;
    }
    const tensors = outs.map((o) =>
      o && !graphOutputs.has(o) ? tensorOf(o, known.get(o) ?? { dtype: 0, dims: null }) : undefined,
    );
    const foldable =
      (!node.domain || node.domain === 'ai.onnx') &&
      subgraphsOf(node).length === 0 &&
      outs.length > 0 &&
      tensors.every((t, i) => t !== undefined || outs[i] === '');
    if (!foldable) {
      kept.push(node);
      continue;
    }
    for (const t of tensors) if (t) graph.initializers.set(t.name!, t);
    folded++;
  }
  graph.nodes = kept;
  graph.prune();
  return folded;
}
