/**
 * Removes nodes that do nothing once shapes are static: Identity, Cast to the same type, and Reshape / Squeeze /
 * Unsqueeze / Flatten / Expand whose output dims equal their input dims. torch.onnx emits e.g.
 * `input_ids.view(-1, seq)`; left in, that int64 Reshape of a graph input runs on the CPU EP (the WebGPU EP has
 * no int64 Reshape), which is the one node that would keep a training graph off the GPU.
 */
import { attrInt } from './attributes';
import type { Graph } from './graph';
import { implicitInputs } from './graph';
import type { Known } from './infer/common';
import { isStatic } from './tensor-info';

const SHAPE_ONLY = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Expand']);

function sameDims(a: Known | undefined, b: Known | undefined): boolean {
  if (!a || !b || !isStatic(a.dims) || !isStatic(b.dims)) return false;
  return a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims![i]);
}

/** Rewires consumers past no-op nodes and drops them; returns how many it removed. */
export function removeNoOps(graph: Graph, known: ReadonlyMap<string, Known>): number {
  const protectedNames = new Set(graph.outputs.map((o) => o.name ?? ''));
  for (const n of graph.nodes) for (const i of implicitInputs(n)) protectedNames.add(i);
  const rename = new Map<string, string>();
  const resolve = (t: string): string => {
    let r = t;
    while (rename.has(r)) r = rename.get(r)!;
    return r;
  };
  const kept = [];
  for (const node of graph.nodes) {
    const x = node.input?.[0];
    const y = node.output?.[0];
    const op = node.opType ?? '';
    const plain = !node.domain || node.domain === 'ai.onnx';
    const noop =
      plain &&
      !!x &&
      !!y &&
      (node.output?.length ?? 0) === 1 &&
      !protectedNames.has(y) &&
      (op === 'Identity' ||
        (op === 'Cast' && known.get(x)?.dtype === attrInt(node, 'to')) ||
        (SHAPE_ONLY.has(op) && sameDims(known.get(x), known.get(y))));
    if (noop) rename.set(y, x);
    else kept.push(node);
  }
  for (const node of kept) node.input = (node.input ?? []).map((i) => (i ? resolve(i) : i));
  graph.nodes = kept;
  return rename.size;
}
