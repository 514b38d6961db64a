/**
 * Fuses the tanh-approximated GELU that torch.onnx exports for GPT-2 (`NewGELUActivation`, eight elementwise
 * nodes: 0.5·x · (1 + tanh(√(2/π) · (x + 0.044715·x³)))) into one com.microsoft FastGelu node. In a training graph
 * that is one forward kernel where there were eight, and one gradient rule that reads x alone
 * (autodiff/rules/gelu.ts) where the chain rule through the eight nodes emits about twice as many. ORT's CPU, WASM
 * and WebGPU EPs all run FastGelu; ORT's own optimizer makes this fusion in inference graphs, but not where a
 * gradient reads the intermediate tensors, which is every GELU of a training graph.
 *
 * A pattern is fused only when each intermediate tensor feeds the next node of the pattern and nothing else, and
 * each constant is the scalar the formula names (to float32 rounding).
 */
import type { NodeProto } from '../proto/types';
import { MS_DOMAIN, isOnnxOp, type Graph } from './graph';
import type { Known } from './infer/common';

/** The tanh approximation's constants: 0.5·x·(1 + tanh(SQRT_2_OVER_PI · (x + CUBIC·x³))). */
export const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
export const CUBIC = 0.044715;

/** Questions about one graph's wiring and constants that the pattern match asks. */
function reader(graph: Graph, known: ReadonlyMap<string, Known>) {
  const producers = graph.producers();
  const consumers = graph.consumers();
  const graphOutputs = new Set(graph.outputs.map((o) => o.name ?? ''));
  const is = (name: string | undefined, target: number): boolean => {
    const k = name ? known.get(name) : undefined;
    const v = k?.value?.length === 1 && (k.dims?.length ?? 0) <= 1 ? k.value[0] : undefined;
    return typeof v === 'number' && Math.abs(v - target) <= 1e-6 * Math.abs(target);
  };
  return {
    producer: (tensor: string | undefined) => (tensor ? producers.get(tensor) : undefined),
    /** The tensor feeds `node` and nothing else (and is no graph output). */
    feedsOnly: (tensor: string, node: NodeProto | undefined): boolean => {
      const users = consumers.get(tensor) ?? [];
      return !graphOutputs.has(tensor) && users.length === 1 && users[0] === node;
    },
    /** The one node reading `tensor`, if exactly one does and it is no graph output. */
    onlyConsumer: (tensor: string): NodeProto | undefined => {
      const users = consumers.get(tensor) ?? [];
      return users.length === 1 && !graphOutputs.has(tensor) ? users[0] : undefined;
    },
    /** For a binary `op` (Mul or Add: commutative) one of whose inputs is the scalar `c`: its other input. */
    operandBeside: (node: NodeProto | undefined, op: string, c: number): string | undefined => {
      if (!isOnnxOp(node) || node.opType !== op || node.input?.length !== 2) return undefined;
      const [a, b] = node.input as [string, string];
      return is(b, c) ? a : is(a, c) ? b : undefined;
    },
    is,
  };
}

type Reader = ReturnType<typeof reader>;

/** x + 0.044715·x³ as Add(x, Mul(Pow(x, 3), c)) in either operand order: [x, its nodes], or undefined. */
function cubicSum(r: Reader, add: NodeProto): [string, NodeProto[]] | undefined {
  for (const [x, b] of [add.input!, [...add.input!].reverse()] as [string, string][]) {
    const mulC = r.producer(b);
    const p = r.operandBeside(mulC, 'Mul', CUBIC);
    const pow = r.producer(p);
    if (
      !mulC ||
      !p ||
      !isOnnxOp(pow) ||
      pow.opType !== 'Pow' ||
      pow.input?.[0] !== x ||
      !r.is(pow.input[1], 3)
    )
      continue;
    if (r.feedsOnly(b, add) && r.feedsOnly(p, mulC)) return [x, [pow, mulC]];
  }
  return undefined;
}

/** The whole pattern around one Tanh: x, the seven nodes before the last, and the last Mul; or undefined. */
function matchAt(r: Reader, tanh: NodeProto): { x: string; inner: NodeProto[]; last: NodeProto } | undefined {
  // Before the tanh: √(2/π) · (x + 0.044715·x³).
  const scaled = tanh.input![0]!;
  const mulK = r.producer(scaled);
  const sum = r.operandBeside(mulK, 'Mul', SQRT_2_OVER_PI);
  const add = r.producer(sum);
  if (!mulK || !sum || !isOnnxOp(add) || add.opType !== 'Add' || add.input?.length !== 2) return undefined;
  if (!r.feedsOnly(scaled, tanh) || !r.feedsOnly(sum, mulK)) return undefined;
  const cubic = cubicSum(r, add);
  if (!cubic) return undefined;
  const [x, cubicNodes] = cubic;
  // After it: (0.5·x) · (1 + t).
  const t = tanh.output![0]!;
  const addOne = r.onlyConsumer(t);
  if (!addOne || r.operandBeside(addOne, 'Add', 1) !== t) return undefined;
  const onePlusT = addOne.output![0]!;
  const last = r.onlyConsumer(onePlusT);
  if (!isOnnxOp(last) || last.opType !== 'Mul' || last.input?.length !== 2) return undefined;
  const halfX = last.input[0] === onePlusT ? last.input[1]! : last.input[0]!;
  const half = r.producer(halfX);
  if (halfX === onePlusT || r.operandBeside(half, 'Mul', 0.5) !== x || !r.feedsOnly(halfX, last))
    return undefined;
  return { x, inner: [...cubicNodes, add, mulK, tanh, addOne, half!], last };
}

/** Fuses in place; returns how many GELUs it fused. `known` gives the values of constant scalars. */
export function fuseTanhGelu(graph: Graph, known: ReadonlyMap<string, Known>): number {
  const r = reader(graph, known);
  const fusedLast = new Map<NodeProto, NodeProto>();
  const dropped = new Set<NodeProto>();
  for (const node of graph.nodes) {
    const match = isOnnxOp(node) && node.opType === 'Tanh' ? matchAt(r, node) : undefined;
    if (!match) continue;
    for (const n of match.inner) dropped.add(n);
    fusedLast.set(match.last, {
      name: graph.uniqueName(`${match.last.name ?? 'Gelu'}_FastGelu`),
      opType: 'FastGelu',
      domain: MS_DOMAIN,
      input: [match.x],
      output: [...match.last.output!],
    });
  }
  // The fused node takes the place of the pattern's last node: x is computed before it, y used after it.
  graph.nodes = graph.nodes.filter((n) => !dropped.has(n)).map((n) => fusedLast.get(n) ?? n);
  return fusedLast.size;
}
