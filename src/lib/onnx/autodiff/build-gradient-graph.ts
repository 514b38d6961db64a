/**
 * Reverse-mode autodiff over an ONNX graph: the forward graph, plus for every trainable tensor the gradient of a
 * scalar loss, as ONE graph of ai.onnx ops whose outputs are the loss and `grad.<name>` per trainable.
 *
 * 1. Trainable initializers become graph inputs (their values are returned, for the caller to feed).
 * 2. Forward ops without a WebGPU kernel are rewritten into ones with (graph/lower-for-webgpu.ts).
 *    Shapes are inferred (with `inputShapes` fixing batch/sequence dims) and shape arithmetic is folded to
 *    constants, so integer/shape subgraphs are constants and nothing in them falls back to the CPU EP.
 * 3. Tensors that are floating point and depend on a trainable are "active"; walking nodes in reverse
 *    topological order from the loss, each node's rule turns output gradients into input gradients, and
 *    contributions to the same tensor are summed.
 */
import { DataType, float16Tensor, float32Tensor, float64Tensor, isFloatType } from '../proto/tensor';
import type { NodeProto, TensorProto } from '../proto/types';
import { foldConstants } from '../graph/constant-folding';
import type { Graph } from '../graph/graph';
import { DuplicateNameError, MS_DOMAIN, implicitInputs } from '../graph/graph';
import type { OnnxModel } from '../graph/model';
import { inferShapes } from '../graph/shape-inference';
import { removeNoOps } from '../graph/simplify';
import { lowerForWebGpu } from '../graph/lower-for-webgpu';
import { fuseTanhGelu } from '../graph/fuse-gelu';
import { mergeMatMulScales } from '../graph/merge-matmul-scales';
import { dropSoftmaxNanGuards } from '../graph/drop-softmax-nan-guards';
import type { Known } from '../graph/shape-inference';
import { makeValueInfo } from '../graph/tensor-info';
import type { Dim } from '../graph/tensor-info';
import { Emitter } from './emitter';
import { InvalidLossError, InvalidTrainableError, NoGradientRuleError } from './errors';
import type { GradContext, GradientRule } from './rule';
import { GRADIENT_RULES, MS_GRADIENT_RULES, NON_DIFFERENTIABLE } from './rules';

export interface GradientGraphOptions {
  /** Name of the scalar (single-element) floating-point loss tensor in the graph. */
  readonly loss: string;
  /** Initializers or graph inputs to differentiate with respect to. */
  readonly trainable: readonly string[];
  /** Fixes the dims of graph inputs (e.g. batch and caption length); needed for static un-broadcasting. */
  readonly inputShapes?: Readonly<Record<string, readonly Dim[]>>;
  /** Forward tensors to keep as extra outputs (e.g. logits). */
  readonly keepOutputs?: readonly string[];
  /** Name of the gradient output of a trainable; default `grad.<name>`. */
  readonly gradientName?: (trainable: string) => string;
  /** Fold shape arithmetic into constants (default true). */
  readonly foldConstants?: boolean;
  /**
   * Fewer forward nodes, same function (default true): torch's tanh-GELU subgraphs become com.microsoft FastGelu
   * (graph/fuse-gelu.ts), attention's split scale one Mul (graph/merge-matmul-scales.ts), softmax NaN guards
   * that no row can trip go (graph/drop-softmax-nan-guards.ts).
   */
  readonly fuse?: boolean;
}

export interface GradientGraph {
  /** A new model (the input model is not modified): outputs [loss, ...gradients, ...keepOutputs]. */
  readonly model: OnnxModel;
  /** trainable name → gradient output name, in `trainable` order. */
  readonly gradients: ReadonlyMap<string, string>;
  /** Initial values of trainables that were initializers and are now graph inputs. */
  readonly promoted: ReadonlyMap<string, TensorProto>;
}

function onesLike(k: Known): TensorProto {
  const dims = (k.dims ?? []) as number[];
  if (k.dtype === DataType.FLOAT16) return float16Tensor('', dims, [1]);
  if (k.dtype === DataType.DOUBLE) return float64Tensor('', dims, [1]);
  return float32Tensor('', dims, [1]);
}

function ruleFor(node: NodeProto): GradientRule | undefined {
  if (!node.domain || node.domain === 'ai.onnx') return GRADIENT_RULES[node.opType ?? ''];
  return node.domain === MS_DOMAIN ? MS_GRADIENT_RULES[node.opType ?? ''] : undefined;
}

/** Fails early, naming op and node, if a node between the trainables and the loss has no gradient rule. */
function requireRulesOnPath(
  producers: Map<string, NodeProto>,
  loss: string,
  active: ReadonlySet<string>,
): void {
  const seen = new Set<string>();
  const stack = [loss];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t) || !active.has(t)) continue;
    seen.add(t);
    const node = producers.get(t);
    if (!node) continue;
    if (!ruleFor(node)) {
      const domain = node.domain && node.domain !== 'ai.onnx' ? node.domain : '';
      throw new NoGradientRuleError(node.opType ?? '', node.name ?? '', domain);
    }
    stack.push(...(node.input ?? []), ...implicitInputs(node));
  }
}

export function buildGradientGraph(source: OnnxModel, options: GradientGraphOptions): GradientGraph {
  const model = source.clone();
  const graph = model.graph;
  const opset = model.requireOpset('');
  const gradientNames = gradientOutputNames(graph, options);
  const promoted = promoteTrainables(graph, options.trainable);
  if (options.inputShapes) fixInputShapes(graph, options.inputShapes);

  // Only the loss and the kept outputs are wanted from the forward graph (folding prunes everything else).
  const keepNames = options.keepOutputs ?? [];
  graph.outputs = [options.loss, ...keepNames].map((name) => ({ name }));
  const known = prepareForward(graph, opset, options);
  if (graph.nodes.some((n) => n.domain === MS_DOMAIN) && model.opsetVersion(MS_DOMAIN) === undefined)
    model.opsetImports.push({ domain: MS_DOMAIN, version: 1 });
  const order = graph.topologicalOrder();
  const active = activeTensors(order, options.trainable, known);
  const lossInfo = validateLossAndTrainables(graph, options, active, known);

  const emit = new Emitter(graph, opset, known);
  const contributions = new Contributions(emit);
  contributions.add(options.loss, graph.addConstant('loss_grad_seed', onesLike(lossInfo)));
  backpropagate(order, active, emit, contributions);

  const gradients = new Map<string, string>();
  const gradOutputs = options.trainable.map((name) => {
    const out = gradientNames.get(name)!;
    const g = contributions.total(name) ?? emit.zerosLike(name);
    graph.addNode('Identity', [g], { outputs: [out] });
    gradients.set(name, out);
    const k = known.get(name)!;
    return makeValueInfo(out, k.dtype, k.dims);
  });
  const keep = keepNames.map((name) => {
    const k = known.get(name);
    return k ? makeValueInfo(name, k.dtype, k.dims) : { name };
  });
  graph.outputs = [makeValueInfo(options.loss, lossInfo.dtype, lossInfo.dims), ...gradOutputs, ...keep];
  graph.prune();
  graph.sortTopologically();
  return { model, gradients, promoted };
}

/** trainable → its gradient output's name; fails if a name is already taken in the graph. */
function gradientOutputNames(graph: Graph, options: GradientGraphOptions): Map<string, string> {
  const gradientNames = new Map(
    options.trainable.map((n) => [n, (options.gradientName ?? ((t: string) => `grad.${t}`))(n)] as const),
  );
  for (const out of gradientNames.values())
    if (graph.hasName(out))
      throw new DuplicateNameError(`gradient output '${out}' is already used in the graph`);
  return gradientNames;
}

/** Trainable initializers become graph inputs; returns their values. Anything else must be a graph input. */
function promoteTrainables(graph: Graph, trainable: readonly string[]): Map<string, TensorProto> {
  const promoted = new Map<string, TensorProto>();
  for (const name of trainable) {
    if (graph.initializers.has(name)) promoted.set(name, graph.promoteToInput(name));
    else if (!graph.isGraphInput(name))
      throw new InvalidTrainableError(`trainable '${name}' is neither an initializer nor a graph input`);
  }
  return promoted;
}

function fixInputShapes(graph: Graph, inputShapes: Readonly<Record<string, readonly Dim[]>>): void {
  graph.inputs = graph.inputs.map((vi) => {
    const dims = inputShapes[vi.name ?? ''];
    const dtype = vi.type?.tensorType?.elemType;
    return dims && dtype !== undefined ? makeValueInfo(vi.name!, dtype, dims) : vi;
  });
}

/**
 * Lowers the forward graph for WebGPU, infers shapes, folds shape arithmetic and fuses (after folding, so that
 * the constants the fusions check are known); returns what is known.
 */
function prepareForward(graph: Graph, opset: number, options: GradientGraphOptions): Map<string, Known> {
  lowerForWebGpu(graph);
  let known = inferShapes(graph, opset, options);
  if (options.foldConstants !== false) {
    const changed = foldConstants(graph, known) + removeNoOps(graph, known);
    if (changed > 0) known = inferShapes(graph, opset, options);
  }
  if (options.fuse !== false) {
    const changed =
      fuseTanhGelu(graph, known) + mergeMatMulScales(graph, known) + dropSoftmaxNanGuards(graph, known);
    if (changed > 0) known = inferShapes(graph, opset, options);
  }
  return known;
}

/** Active tensors: floating point (or of unknown type) and computed from a trainable. */
function activeTensors(
  order: readonly NodeProto[],
  trainable: readonly string[],
  known: ReadonlyMap<string, Known>,
): Set<string> {
  const active = new Set(trainable);
  for (const node of order) {
    if (NON_DIFFERENTIABLE.has(node.opType ?? '')) continue;
    if (![...(node.input ?? []), ...implicitInputs(node)].some((i) => active.has(i))) continue;
    for (const o of node.output ?? []) {
      const dt = known.get(o)?.dtype;
      if (o && (dt === undefined || isFloatType(dt))) active.add(o);
    }
  }
  return active;
}

/** The loss must be computed, differentiable all the way, floating point, one element, and depend on a trainable. */
function validateLossAndTrainables(
  graph: Graph,
  options: GradientGraphOptions,
  active: ReadonlySet<string>,
  known: ReadonlyMap<string, Known>,
): Known {
  if (!graph.producers().has(options.loss))
    throw new InvalidLossError(`loss '${options.loss}' is not computed by the graph`);
  requireRulesOnPath(graph.producers(), options.loss, active);
  const lossInfo = known.get(options.loss);
  if (!lossInfo) throw new InvalidLossError(`type and shape of loss '${options.loss}' are unknown`);
  if (!isFloatType(lossInfo.dtype))
    throw new InvalidLossError(`loss '${options.loss}' is not floating point`);
  if (!lossInfo.dims || !lossInfo.dims.every((d) => d === 1))
    throw new InvalidLossError(
      `loss '${options.loss}' must have one element, has dims [${lossInfo.dims?.join(', ') ?? '?'}]`,
    );
  for (const name of options.trainable)
    if (!isFloatType(known.get(name)?.dtype))
      throw new InvalidTrainableError(`trainable '${name}' is not floating point`);

  if (!active.has(options.loss))
    throw new InvalidLossError(`loss '${options.loss}' does not depend on any trainable`);
  return lossInfo;
}

/** Gradient contributions per tensor, summed (with Add nodes) when first read. */
class Contributions {
  readonly #parts = new Map<string, string[]>();

  constructor(private readonly emit: Emitter) {}

  add(tensor: string, gradient: string): void {
    const list = this.#parts.get(tensor);
    if (list) list.push(gradient);
    else this.#parts.set(tensor, [gradient]);
  }

  total(tensor: string): string | undefined {
    const parts = this.#parts.get(tensor);
    if (!parts || parts.length === 0) return undefined;
    let sum = parts[0]!;
    for (const p of parts.slice(1)) sum = this.emit.op('Add', [sum, p]);
    this.#parts.set(tensor, [sum]);
    return sum;
  }
}

/** Walks the nodes in reverse topological order; each node's rule turns output gradients into input gradients. */
function backpropagate(
  order: readonly NodeProto[],
  active: ReadonlySet<string>,
  emit: Emitter,
  contributions: Contributions,
): void {
  for (const node of [...order].reverse()) {
    const outputs = node.output ?? [];
    const outGrads = outputs.map((o) => (o && active.has(o) ? contributions.total(o) : undefined));
    if (outGrads.every((g) => g === undefined)) continue;
    const rule = ruleFor(node);
    if (!rule) throw new NoGradientRuleError(node.opType ?? '', node.name ?? '', node.domain ?? '');
    const inputs = node.input ?? [];
    const ctx: GradContext = {
      node,
      emit,
      inputs,
      outputs,
      outGrads,
      needs: (i) => !!inputs[i] && active.has(inputs[i]!),
    };
    rule(ctx).forEach((g, i) => {
      const name = inputs[i];
      if (!g || !name || !active.has(name)) return;
      contributions.add(name, g);
    });
  }
}
