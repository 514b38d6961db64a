import { decodeModel, encodeModel } from '../onnx/proto/model-io';
import type { GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/proto/types';
import { LIFTED_PREFIX } from './decoder-io';

/**
 * GPT-2 with cross-attention (transformers.js's ViT-GPT2 `decoder_model_merged.onnx`) caches only
 * self-attention: every decoder run projects all encoder states to cross-attention keys and values again
 * (per layer 2·S·H² multiply-adds: at the real size about 5.6 GFLOP per image and token, 95 % of a
 * decoder step). Those values depend on `encoder_hidden_states` alone, so we split them off:
 *
 * - `cross`: a small model, encoder_hidden_states → the lifted tensors, run once per batch;
 * - `decoder`: the merged decoder whose cached branch (use_cache_branch = true) reads the lifted tensors as
 *   graph inputs instead of recomputing them. Its first-step branch is untouched.
 *
 * Which nodes move is found, not assumed: every node (outside the first-step branch) whose inputs are
 * encoder-derived or constant and at least one is encoder-derived. The same ops on the same inputs run,
 * so outputs are the same as the original model's.
 */
export interface CrossAttentionSplit {
  cross: Uint8Array;
  decoder: Uint8Array;
  /** Lifted tensor names: outputs of `cross`, extra inputs of `decoder`. */
  lifted: string[];
  /** Nodes moved out of the per-token branch. */
  movedNodes: number;
}

const ENCODER_INPUT = 'encoder_hidden_states';

const DataType = { FLOAT: 1, INT64: 7, BOOL: 9 } as const;
/** Ops whose output element type is their first input's. */
const SAME_AS_FIRST = new Set([
  'Gather',
  'Unsqueeze',
  'Squeeze',
  'Reshape',
  'Transpose',
  'Split',
  'Slice',
  'Concat',
  'Gemm',
  'MatMul',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Expand',
  'Identity',
  'Range',
  'Neg',
  'Sqrt',
  'Pow',
  'Softmax',
  'Tanh',
]);
const BOOLEAN = new Set([
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
  'IsNaN',
]);

/** The parts of a merged decoder the split works on. */
interface MergedDecoder {
  main: GraphProto;
  ifNode: NodeProto;
  /** The use_cache_branch = true branch, with its nodes. */
  cached: GraphProto & { node: NodeProto[] };
  encoderInput: ValueInfoProto;
}

/** What is known before any node moves: element types, the weights, the cached branch's Constant nodes. */
interface KnownValues {
  types: Map<string, number>;
  initializers: ReadonlyMap<string, TensorProto>;
  constantNodes: ReadonlyMap<string, NodeProto>;
}

/** Returns null when the model is not a merged decoder of that shape (captioning then runs it as is). */
export function splitCrossAttention(decoderBytes: Uint8Array): CrossAttentionSplit | null {
  const model = decodeModel(decoderBytes);
  const decoder = mergedDecoderOf(model);
  if (decoder === null) return null;
  const known = knownValues(decoder);
  if (known === null) return null;
  const moved = encoderDerivedNodes(decoder.cached, known);
  if (moved === null) return null;
  const original = liftedFrontier(decoder.cached, moved);
  if (original === null) return null;

  const renamed = new Map(original.map((name, i) => [name, `${LIFTED_PREFIX}${i}`]));
  const valueInfo = (name: string, as: string): ValueInfoProto => ({
    name: as,
    type: { tensorType: { elemType: known.types.get(name) ?? DataType.FLOAT } },
  });
  const crossModel = crossModelOf(model, decoder, moved, known, renamed, valueInfo);
  const decoderGraph = decoderGraphOf(decoder, moved, renamed, valueInfo);
  return {
    cross: encodeModel(crossModel),
    decoder: encodeModel({ ...model, graph: decoderGraph }),
    lifted: original.map((name) => renamed.get(name) ?? name),
    movedNodes: moved.length,
  };
}

/** A graph of one `If` on use_cache_branch with an encoder_hidden_states input, or null. */
function mergedDecoderOf(model: ModelProto): MergedDecoder | null {
  const main = model.graph;
  const ifNode = main?.node?.length === 1 ? main.node[0] : undefined;
  if (main === undefined || ifNode?.opType !== 'If' || ifNode.input?.[0] !== 'use_cache_branch') return null;
  const cached = ifNode.attribute?.find((a) => a.name === 'then_branch')?.g;
  const encoderInput = main.input?.find((i) => i.name === ENCODER_INPUT);
  if (cached?.node === undefined || encoderInput === undefined) return null;
  return { main, ifNode, cached: { ...cached, node: cached.node }, encoderInput };
}

function knownValues({ main, cached, encoderInput }: MergedDecoder): KnownValues | null {
  const types = new Map<string, number>();
  const encoderType = encoderInput.type?.tensorType?.elemType;
  if (encoderType === undefined) return null;
  types.set(ENCODER_INPUT, encoderType);
  const initializers = new Map((main.initializer ?? []).map((t) => [t.name ?? '', t]));
  for (const [name, tensor] of initializers) types.set(name, tensor.dataType ?? 0);
  const constantNodes = new Map<string, NodeProto>();
  for (const node of cached.node) {
    if (node.opType !== 'Constant') continue;
    const value = node.attribute?.find((a) => a.name === 'value')?.t;
    const output = node.output?.[0];
    if (value === undefined || output === undefined) continue;
    constantNodes.set(output, node);
    types.set(output, value.dataType ?? 0);
  }
  return { types, initializers, constantNodes };
}

/**
 * The cached branch's nodes whose inputs are encoder-derived or constant, at least one encoder-derived, in
 * graph order; their outputs' types join `known.types`. Null when one has an op of unknown output type.
 */
function encoderDerivedNodes(cached: MergedDecoder['cached'], known: KnownValues): NodeProto[] | null {
  const { types, initializers, constantNodes } = known;
  const derived = new Set([ENCODER_INPUT]);
  const moved: NodeProto[] = [];
  for (const node of cached.node) {
    if (node.opType === 'Constant' || (node.domain ?? '') !== '' || hasSubgraph(node)) continue;
    const inputs = (node.input ?? []).filter((name) => name !== '');
    const fromEncoder = inputs.some((name) => derived.has(name));
    const allKnown = inputs.every(
      (name) => derived.has(name) || initializers.has(name) || constantNodes.has(name),
    );
    if (!fromEncoder || !allKnown) continue;
    const type = outputType(node, types);
    if (type === undefined) return null;
    for (const output of node.output ?? []) {
      derived.add(output);
      types.set(output, type);
    }
    moved.push(node);
  }
  return moved;
}

/** The moved nodes' outputs that the nodes left behind read: the lifted tensors. Null when there are none. */
function liftedFrontier(cached: MergedDecoder['cached'], moved: readonly NodeProto[]): string[] | null {
  const movedSet = new Set(moved);
  const producedByMoved = new Set(moved.flatMap((n) => n.output ?? []));
  const frontier = new Set<string>();
  for (const node of cached.node) {
    if (movedSet.has(node)) continue;
    for (const name of node.input ?? []) if (producedByMoved.has(name)) frontier.add(name);
  }
  // A branch output computed from the encoder alone is not a decoder of the expected shape.
  if ((cached.output ?? []).some((o) => producedByMoved.has(o.name ?? ''))) return null;
  return frontier.size === 0 ? null : [...frontier];
}

/** The decoder: lifted tensors become graph inputs, read from the outer scope by the cached branch. */
function decoderGraphOf(
  { main, ifNode, cached }: MergedDecoder,
  moved: readonly NodeProto[],
  renamed: ReadonlyMap<string, string>,
  valueInfo: (name: string, as: string) => ValueInfoProto,
): GraphProto {
  const movedSet = new Set(moved);
  const rename = (name: string): string => renamed.get(name) ?? name;
  const cachedNodes = withoutUnusedConstants(
    cached.node
      .filter((node) => !movedSet.has(node))
      .map((node) => ({ ...node, input: (node.input ?? []).map(rename) })),
    (cached.output ?? []).map((o) => o.name ?? ''),
  );
  const firstStep = ifNode.attribute?.find((a) => a.name === 'else_branch')?.g?.node ?? [];
  const stillUsed = new Set([...cachedNodes, ...firstStep].flatMap((node) => node.input ?? []));
  return {
    ...main,
    // Weights only the moved nodes read now live in the cross model alone.
    initializer: (main.initializer ?? []).filter((t) => stillUsed.has(t.name ?? '')),
    input: [...(main.input ?? []), ...[...renamed].map(([name, as]) => valueInfo(name, as))],
    node: [
      {
        ...ifNode,
        attribute: (ifNode.attribute ?? []).map((a) =>
          a.name === 'then_branch' ? { ...a, g: { ...cached, node: cachedNodes } } : a,
        ),
      },
    ],
  };
}

function crossModelOf(
  model: ModelProto,
  { main, encoderInput }: MergedDecoder,
  moved: readonly NodeProto[],
  { constantNodes, initializers }: KnownValues,
  renamed: ReadonlyMap<string, string>,
  valueInfo: (name: string, as: string) => ValueInfoProto,
): ModelProto {
  const used = new Set(moved.flatMap((n) => n.input ?? []));
  const constants = [...constantNodes].filter(([name]) => used.has(name)).map(([, node]) => node);
  // Lifted outputs get their new names through Identity nodes, so moved nodes keep theirs.
  const identities: NodeProto[] = [...renamed].map(([from, to]) => ({
    opType: 'Identity',
    name: `${to}/identity`,
    input: [from],
    output: [to],
  }));
  return {
    ...model,
    graph: {
      name: `${main.name ?? 'decoder'}_cross_attention`,
      input: [encoderInput],
      output: [...renamed].map(([from, to]) => valueInfo(from, to)),
      initializer: [...initializers].filter(([name]) => used.has(name)).map(([, tensor]) => tensor),
      node: [...constants, ...moved, ...identities],
    },
  };
}

/** Drops Constant nodes nobody reads any more (ORT would warn about each). */
function withoutUnusedConstants(nodes: NodeProto[], outputs: readonly string[]): NodeProto[] {
  const read = new Set([...nodes.flatMap((node) => node.input ?? []), ...outputs]);
  return nodes.filter((node) => node.opType !== 'Constant' || (node.output ?? []).some((o) => read.has(o)));
}

function hasSubgraph(node: NodeProto): boolean {
  return (node.attribute ?? []).some((a) => a.g !== undefined || (a.graphs?.length ?? 0) > 0);
}

/** Element type of a moved node's outputs, or undefined for an op we do not know (no split then). */
function outputType(node: NodeProto, types: ReadonlyMap<string, number>): number | undefined {
  const op = node.opType ?? '';
  const first = types.get(node.input?.[0] ?? '');
  if (op === 'Shape' || op === 'Size') return DataType.INT64;
  if (BOOLEAN.has(op)) return DataType.BOOL;
  if (op === 'Cast') {
    const to = node.attribute?.find((a) => a.name === 'to')?.i;
    return to === undefined ? undefined : Number(to);
  }
  if (op === 'ConstantOfShape') {
    return node.attribute?.find((a) => a.name === 'value')?.t?.dataType ?? DataType.FLOAT;
  }
  if (op === 'Where') return types.get(node.input?.[1] ?? '');
  if (SAME_AS_FIRST.has(op)) return first;
  return undefined;
}
