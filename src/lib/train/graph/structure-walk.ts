/**
 * Walking a decoder graph for structure.ts: what data depends on what (Shape and Size only carry shapes, so
 * the walk never crosses them), the nearest nodes of a kind up- or downstream, and the weights behind a tensor.
 */
import type { Graph } from '../../onnx/graph/graph';
import type { NodeProto, TensorProto } from '../../onnx/proto/types';
import { DataType } from '../../onnx/proto/tensor';

/** Nodes that read only a tensor's shape: data does not flow through them. */
const SHAPE_ONLY = new Set(['Shape', 'Size']);

export function isFloatInit(t: TensorProto | undefined, rank?: number): t is TensorProto {
  if (!t || t.dataType !== DataType.FLOAT) return false;
  return rank === undefined || (t.dims ?? []).length === rank;
}

/** Tensors that depend on `source` through data (not through Shape/Size). */
export function reachableFrom(graph: Graph, source: string): Set<string> {
  const consumers = graph.consumers();
  const seen = new Set<string>([source]);
  const stack = [source];
  while (stack.length > 0) {
    for (const node of consumers.get(stack.pop()!) ?? []) {
      if (SHAPE_ONLY.has(node.opType ?? '')) continue;
      for (const out of node.output ?? []) {
        if (!out || seen.has(out)) continue;
        seen.add(out);
        stack.push(out);
      }
    }
  }
  return seen;
}

/** The nodes one step up (the producer) or down (the consumers) from a tensor. */
function neighboursOf(
  graph: Graph,
  direction: 'upstream' | 'downstream',
): (name: string) => readonly NodeProto[] {
  if (direction === 'upstream') {
    const producers = graph.producers();
    return (name) => {
      const node = producers.get(name);
      return node ? [node] : [];
    };
  }
  const consumers = graph.consumers();
  return (name) => consumers.get(name) ?? [];
}

/** The nearest projections up- or downstream of `start` (not crossing projections nor shape-only nodes). */
export function nearestProjections(
  graph: Graph,
  start: string,
  direction: 'upstream' | 'downstream',
  isProjection: (n: NodeProto) => boolean,
): NodeProto[] {
  const neighbours = neighboursOf(graph, direction);
  const seen = new Set<string>();
  const stack = [start];
  const found = new Set<NodeProto>();
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const node of neighbours(name)) {
      if (SHAPE_ONLY.has(node.opType ?? '')) continue;
      if (isProjection(node)) found.add(node);
      else stack.push(...((direction === 'upstream' ? node.input : node.output) ?? []).filter(Boolean));
    }
  }
  return [...found];
}

/** The float initializers (more than one value) the outputs are computed from, in the graph's order. */
export function weightsUpstreamOf(graph: Graph, outputs: readonly string[]): string[] {
  const producers = graph.producers();
  const seen = new Set<string>();
  const stack = [...outputs];
  const weights: string[] = [];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const t = graph.initializers.get(name);
    if (isFloatInit(t) && (t.dims ?? []).reduce((a, b) => a * b, 1) > 1) weights.push(name);
    const node = producers.get(name);
    if (node && !SHAPE_ONLY.has(node.opType ?? '')) stack.push(...(node.input ?? []).filter(Boolean));
  }
  const order = [...graph.initializers.keys()];
  return weights.sort((a, b) => order.indexOf(a) - order.indexOf(b));
}
