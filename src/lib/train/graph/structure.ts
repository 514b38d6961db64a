/**
 * Finds the weights of a GPT-2-style decoder graph by their place in the graph, not by their names (exporters
 * rename freely: `transformer.h.0.attn.c_attn.weight`, `onnx::MatMul_942`, `/m/...`).
 *
 * Matching rules (see README "What trains"):
 * - A projection is a MatMul, or a Gemm without transA, whose second input is a 2-D float initializer (GPT-2's
 *   Conv1D exports as Gemm or as MatMul + Add). Its bias is Gemm's third input, or the 1-D float initializer
 *   that an Add right after the MatMul adds.
 * - An attention is a Softmax. Its query/key projections are the nearest projections upstream of the Softmax
 *   (the search stops at projections); its value projections are the nearest upstream of the other operand of
 *   the MatMul that reads the Softmax; its output projection is the nearest downstream of that MatMul.
 * - Cross-attention: a key projection reads the encoder states and not the decoder's tokens (reachability from
 *   the graph inputs, not crossing Shape/Size, which only carry shapes). Other attentions are self-attention.
 * - Block index: the number of self-attentions upstream (a self-attention counts itself as the next block).
 *   Projections neither attention nor head are MLP. The head is the projection from which the logits are
 *   reached with no projection in between.
 * - A layer norm is LayerNormalization (scale, bias inputs) or its decomposition
 *   ReduceMean → Sub → … → Div → Mul(scale) → Add(bias); it belongs to the block of the nearest projection
 *   downstream (the final norm, before the head, to `'head'`).
 * - An embedding is a Gather reading a float initializer (token and position tables).
 */
import type { Graph } from '../../onnx/graph/graph';
import { attrInt } from '../../onnx/graph/attributes';
import type { NodeProto } from '../../onnx/proto/types';
import { isFloatInit, nearestProjections, reachableFrom, weightsUpstreamOf } from './structure-walk';

/** How far the search for an attention's value MatMul goes. */
const MAX_HOPS = 64;

export type ProjectionRole = 'self-attn' | 'cross-attn' | 'mlp' | 'head';

export interface Projection {
  readonly node: NodeProto;
  /** The input the projection multiplies (rows of features). */
  readonly input: string;
  readonly weight: string;
  readonly bias: string | undefined;
  /** 'in-out': the stored weight is [in, out]; 'out-in': Gemm with transB, stored [out, in]. */
  readonly layout: 'in-out' | 'out-in';
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly role: ProjectionRole;
  /** Decoder block index; null for the head. */
  readonly block: number | null;
}

export interface LayerNormWeights {
  readonly scale: string;
  readonly bias: string | undefined;
  /** Decoder block index, or 'head' for the final norm. */
  readonly block: number | 'head';
  /** The kind of projection the norm feeds (ln_1: self-attn, ln_cross_attn: cross-attn, ln_2: mlp, ln_f: head). */
  readonly feeds: ProjectionRole;
}

export interface DecoderStructure {
  readonly projections: readonly Projection[];
  readonly layerNorms: readonly LayerNormWeights[];
  readonly embeddings: readonly string[];
  readonly blockCount: number;
  /** Every float initializer with more than one element upstream of the logits: the whole decoder. */
  readonly allWeights: readonly string[];
}

/** The graph does not look like a GPT-2-style decoder (no attention, no head…); says what is missing. */
export class DecoderStructureError extends Error {
  override readonly name = 'DecoderStructureError';
}

function findProjections(graph: Graph): Map<NodeProto, Omit<Projection, 'role' | 'block'>> {
  const consumers = graph.consumers();
  const found = new Map<NodeProto, Omit<Projection, 'role' | 'block'>>();
  for (const node of graph.nodes) {
    const [input, weightName, biasName] = node.input ?? [];
    const weight = graph.initializers.get(weightName ?? '');
    if (!input || !isFloatInit(weight, 2)) continue;
    const [rows, cols] = weight.dims as [number, number];
    if (node.opType === 'MatMul') {
      const add = consumers.get(node.output![0]!)?.find((c) => c.opType === 'Add');
      const biasInput = add?.input?.find((i) => isFloatInit(graph.initializers.get(i), 1));
      const bias = consumers.get(node.output![0]!)?.length === 1 ? biasInput : undefined;
      found.set(node, {
        node,
        input,
        weight: weightName!,
        bias,
        layout: 'in-out',
        inFeatures: rows,
        outFeatures: cols,
      });
    } else if (node.opType === 'Gemm' && attrInt(node, 'transA', 0) === 0) {
      const transB = attrInt(node, 'transB', 0) === 1;
      const bias = isFloatInit(graph.initializers.get(biasName ?? '')) ? biasName : undefined;
      found.set(node, {
        node,
        input,
        weight: weightName!,
        bias,
        layout: transB ? 'out-in' : 'in-out',
        inFeatures: transB ? cols : rows,
        outFeatures: transB ? rows : cols,
      });
    }
  }
  return found;
}

/**
 * The MatMul that multiplies the attention probabilities with the values: the first MatMul downstream of the
 * Softmax, through whatever sits between them (Cast, Dropout, the NaN guard Where(IsNaN(p), 0, p)…).
 */
function attentionValueMatMul(graph: Graph, softmax: NodeProto): NodeProto | undefined {
  const consumers = graph.consumers();
  let frontier = [softmax.output![0]!];
  const seen = new Set(frontier);
  for (let hop = 0; hop < MAX_HOPS && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const name of frontier) {
      for (const node of consumers.get(name) ?? []) {
        if (node.opType === 'MatMul') return node;
        for (const out of node.output ?? []) {
          if (!out || seen.has(out)) continue;
          seen.add(out);
          next.push(out);
        }
      }
    }
    frontier = next;
  }
  return undefined;
}

interface Attention {
  readonly softmax: NodeProto;
  readonly members: NodeProto[];
  readonly cross: boolean;
}

function findAttentions(
  graph: Graph,
  projections: Map<NodeProto, unknown>,
  encoderInput: string,
  tokenInput: string,
) {
  const isProjection = (n: NodeProto): boolean => projections.has(n);
  const fromEncoder = reachableFrom(graph, encoderInput);
  const fromTokens = reachableFrom(graph, tokenInput);
  const attentions: Attention[] = [];
  for (const softmax of graph.nodes.filter((n) => n.opType === 'Softmax')) {
    const queryKey = nearestProjections(graph, softmax.input![0]!, 'upstream', isProjection);
    const av = attentionValueMatMul(graph, softmax);
    if (queryKey.length === 0 || !av) continue;
    const valueInput = av.input!.find((i) => !reachableFromSoftmax(graph, softmax, i)) ?? '';
    const value = nearestProjections(graph, valueInput, 'upstream', isProjection);
    const out = nearestProjections(graph, av.output![0]!, 'downstream', isProjection);
    const cross = [...queryKey, ...value].some((p) => {
      const input = p.input![0]!;
      return fromEncoder.has(input) && !fromTokens.has(input);
    });
    attentions.push({ softmax, members: [...new Set([...queryKey, ...value, ...out])], cross });
  }
  return attentions;
}

function reachableFromSoftmax(graph: Graph, softmax: NodeProto, tensor: string): boolean {
  return nearestProjections(graph, tensor, 'upstream', (n) => n === softmax).length > 0;
}

/** For each tensor: how many self-attention Softmax nodes lie upstream (they form a chain along the residual). */
function selfAttentionDepth(graph: Graph, selfSoftmaxes: Set<NodeProto>): Map<string, number> {
  const depth = new Map<string, number>();
  for (const node of graph.topologicalOrder()) {
    const upstream = Math.max(0, ...(node.input ?? []).map((i) => depth.get(i) ?? 0));
    const d = upstream + (selfSoftmaxes.has(node) ? 1 : 0);
    for (const out of node.output ?? []) if (out) depth.set(out, d);
  }
  return depth;
}

function findLayerNorms(graph: Graph): { scale: string; bias: string | undefined; output: string }[] {
  const producers = graph.producers();
  const consumers = graph.consumers();
  const floatInit = (name: string | undefined): boolean => isFloatInit(graph.initializers.get(name ?? ''), 1);
  const found: { scale: string; bias: string | undefined; output: string }[] = [];
  for (const node of graph.nodes) {
    if (node.opType === 'LayerNormalization' && floatInit(node.input?.[1])) {
      const bias = floatInit(node.input?.[2]) ? node.input![2] : undefined;
      found.push({ scale: node.input![1]!, bias, output: node.output![0]! });
      continue;
    }
    if (node.opType !== 'Mul') continue;
    const scale = node.input!.find(floatInit);
    const normalized = node.input!.find((i) => i !== scale);
    const div = producers.get(normalized ?? '');
    const sub = producers.get(div?.input?.[0] ?? '');
    if (!scale || div?.opType !== 'Div' || sub?.opType !== 'Sub') continue;
    if (producers.get(sub.input?.[1] ?? '')?.opType !== 'ReduceMean') continue;
    const next = consumers.get(node.output![0]!) ?? [];
    const add = next.length === 1 && next[0]!.opType === 'Add' ? next[0]! : undefined;
    const bias = add?.input?.find(floatInit);
    found.push({ scale, bias, output: bias ? add!.output![0]! : node.output![0]! });
  }
  return found;
}

export interface DecoderNames {
  readonly tokens: string;
  readonly encoderStates: string;
  readonly logits: string;
}

export const OPTIMUM_DECODER_NAMES: DecoderNames = {
  tokens: 'input_ids',
  encoderStates: 'encoder_hidden_states',
  logits: 'logits',
};

export function analyzeDecoder(graph: Graph, names: DecoderNames = OPTIMUM_DECODER_NAMES): DecoderStructure {
  for (const name of [names.tokens, names.encoderStates])
    if (!graph.isGraphInput(name)) throw new DecoderStructureError(`the decoder has no input '${name}'`);
  if (!graph.outputs.some((o) => o.name === names.logits))
    throw new DecoderStructureError(`the decoder has no output '${names.logits}'`);
  const raw = findProjections(graph);
  const attentions = findAttentions(graph, raw, names.encoderStates, names.tokens);
  const selfSoftmaxes = new Set(attentions.filter((a) => !a.cross).map((a) => a.softmax));
  if (selfSoftmaxes.size === 0)
    throw new DecoderStructureError('found no self-attention (Softmax after projections)');
  const depth = selfAttentionDepth(graph, selfSoftmaxes);
  const roleOf = new Map<NodeProto, { role: ProjectionRole; block: number | null }>();
  for (const a of attentions) {
    const d = depth.get(a.softmax.output![0]!)! - 1;
    for (const p of a.members) roleOf.set(p, { role: a.cross ? 'cross-attn' : 'self-attn', block: d });
  }
  const isProjection = (n: NodeProto): boolean => raw.has(n);
  const head = nearestProjections(graph, names.logits, 'upstream', isProjection);
  if (head.length !== 1)
    throw new DecoderStructureError(`expected one head projection before the logits, found ${head.length}`);
  roleOf.set(head[0]!, { role: 'head', block: null });
  const projections: Projection[] = [...raw.values()].map((p) => {
    const known = roleOf.get(p.node);
    return { ...p, ...(known ?? { role: 'mlp' as const, block: (depth.get(p.input) ?? 1) - 1 }) };
  });
  const byNode = new Map(projections.map((p) => [p.node, p]));
  const layerNorms = findLayerNorms(graph).map((ln): LayerNormWeights => {
    const next = nearestProjections(graph, ln.output, 'downstream', isProjection).map((n) => byNode.get(n)!);
    const inBlocks = next.filter((p) => p.block !== null).sort((a, b) => a.block! - b.block!);
    const first = inBlocks[0];
    if (!first) return { scale: ln.scale, bias: ln.bias, block: 'head', feeds: 'head' };
    return { scale: ln.scale, bias: ln.bias, block: first.block!, feeds: first.role };
  });
  const embeddings = graph.nodes
    .filter((n) => n.opType === 'Gather' && isFloatInit(graph.initializers.get(n.input?.[0] ?? '')))
    .map((n) => n.input![0]!);
  return {
    projections,
    layerNorms,
    embeddings: [...new Set(embeddings)],
    blockCount: selfSoftmaxes.size,
    allWeights: weightsUpstreamOf(graph, [names.logits]),
  };
}
