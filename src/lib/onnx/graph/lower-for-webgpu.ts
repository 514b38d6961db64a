/**
 * Rewrites forward ops the ORT WebGPU EP has no kernel for into equivalent ops it has, so a training graph built
 * from a torch export runs entirely on the GPU. One entry per op; each rewrite is exact.
 *   IsNaN(x)       → Not(Equal(x, x))   (NaN is the only value not equal to itself; torch exports it in attention)
 *   Sum(a, b, c…)  → Add(Add(a, b), c)… (the same left-to-right order as ORT's Sum kernel)
 */
import type { NodeProto } from '../proto/types';
import type { Graph } from './graph';

type Rewrite = (graph: Graph, node: NodeProto) => NodeProto[];

const REWRITES: Readonly<Record<string, Rewrite>> = {
  IsNaN: (graph, node) => {
    const x = node.input![0]!;
    const eq = graph.uniqueName(`${node.name ?? 'IsNaN'}_self_equal`);
    return [
      { name: graph.uniqueName(`${node.name ?? 'IsNaN'}_eq`), opType: 'Equal', input: [x, x], output: [eq] },
      {
        name: graph.uniqueName(`${node.name ?? 'IsNaN'}_not`),
        opType: 'Not',
        input: [eq],
        output: [...node.output!],
      },
    ];
  },
  Sum: (graph, node) => {
    const inputs = node.input ?? [];
    if (inputs.length === 1) return [{ ...node, opType: 'Identity' }];
    const base = node.name ?? 'Sum';
    const nodes: NodeProto[] = [];
    let acc = inputs[0]!;
    inputs.slice(1).forEach((x, i) => {
      const last = i === inputs.length - 2;
      const out = last ? node.output![0]! : graph.uniqueName(`${base}_partial${i}`);
      nodes.push({
        name: graph.uniqueName(`${base}_add${i}`),
        opType: 'Add',
        input: [acc, x],
        output: [out],
      });
      acc = out;
    });
    return nodes;
  },
};

/** Applies the rewrites in place (order preserved); returns how many nodes it replaced. */
export function lowerForWebGpu(graph: Graph): number {
  let n = 0;
  graph.nodes = graph.nodes.flatMap((node) => {
    const rewrite = !node.domain || node.domain === 'ai.onnx' ? REWRITES[node.opType ?? ''] : undefined;
    if (!rewrite) return [node];
    n++;
    return rewrite(graph, node);
  });
  return n;
}
