/**
 * Shape, type and small-value inference over a Graph: ranks always (where ONNX defines them), static dims where
 * known, symbolic dims (dim_param names) carried through, and the values of small tensors (shape arithmetic,
 * constants) so that Reshape/Slice/Expand targets and reduction axes are known when they are constant.
 * Ops without a rule here take the type that the graph's value_info declares, if any.
 */
import { MS_DOMAIN, type Graph } from './graph';
import type { NodeProto } from '../proto/types';
import { infoOfValueInfo } from './tensor-info';
import type { Dim } from './tensor-info';
import type { Known, OpInference } from './infer/common';
import { ELEMENTWISE, SAME_AS_INPUT } from './infer/elementwise';
import { MATH_OPS } from './infer/math-ops';
import { TENSOR_OPS } from './infer/tensor-ops';
import { knownOfTensor } from './infer/values';

export type { Known } from './infer/common';
export { ShapeInferenceError } from './infer/common';

const RULES: Readonly<Record<string, OpInference>> = { ...ELEMENTWISE, ...TENSOR_OPS, ...MATH_OPS };
/** com.microsoft ops that our own graph passes introduce (fuse-gelu.ts). */
const MS_RULES: Readonly<Record<string, OpInference>> = { FastGelu: SAME_AS_INPUT };

function ruleFor(node: NodeProto): OpInference | undefined {
  if (!node.domain || node.domain === 'ai.onnx') return RULES[node.opType ?? ''];
  return node.domain === MS_DOMAIN ? MS_RULES[node.opType ?? ''] : undefined;
}

export interface InferenceOptions {
  /** Overrides the declared dims of graph inputs, e.g. to fix batch and sequence length for training. */
  readonly inputShapes?: Readonly<Record<string, readonly Dim[]>>;
}

/** Prefers the more specific of two facts about the same dims (a number over a symbol over unknown). */
function mergeDims(a: readonly Dim[] | null, b: readonly Dim[] | null | undefined): readonly Dim[] | null {
  if (!a) return b ?? null;
  if (!b || b.length !== a.length) return a;
  return a.map((d, i) =>
    typeof d === 'number' ? d : typeof b[i] === 'number' ? b[i]! : (d ?? b[i] ?? null),
  );
}

export function inferShapes(graph: Graph, opset: number, options: InferenceOptions = {}): Map<string, Known> {
  const out = new Map<string, Known>();
  for (const [name, t] of graph.initializers) out.set(name, knownOfTensor(t));
  for (const vi of graph.inputs) {
    const name = vi.name ?? '';
    if (out.has(name)) continue; // an initializer with a same-named input: the initializer is the default
    const info = infoOfValueInfo(vi);
    const override = options.inputShapes?.[name];
    if (info) out.set(name, { dtype: info.dtype, dims: override ?? info.dims });
  }
  const declared = new Map(
    [...graph.valueInfo.values(), ...graph.outputs].map((v) => [v.name ?? '', infoOfValueInfo(v)] as const),
  );
  for (const node of graph.topologicalOrder()) {
    const rule = ruleFor(node);
    const inputs = (node.input ?? []).map((i) => (i ? out.get(i) : undefined));
    const results = rule ? rule({ node, inputs, opset }) : [];
    (node.output ?? []).forEach((name, i) => {
      if (!name) return;
      const r = results[i];
      const d = declared.get(name);
      if (r) out.set(name, { ...r, dims: mergeDims(r.dims, d?.dims) });
      else if (d) out.set(name, { dtype: d.dtype, dims: d.dims });
    });
  }
  return out;
}
