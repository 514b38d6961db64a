/**
 * An editable in-memory ONNX graph: nodes in a list, initializers by name, inputs/outputs/value_info.
 * Tensors are shared with the ModelProto it came from (no copies); edits never touch the original proto.
 */
import type { GraphProto, NodeProto, TensorProto, ValueInfoProto } from '../proto/types';
import { makeAttributes, subgraphsOf } from './attributes';
import type { AttributeValue } from './attributes';
import { makeValueInfo } from './tensor-info';
import type { Dim } from './tensor-info';

/** A name the caller asked for is already taken by another tensor or node. */
export class DuplicateNameError extends Error {
  override readonly name = 'DuplicateNameError';
}

/** A tensor the caller named is not where it should be (not an initializer, not an input, not produced). */
export class UnknownTensorError extends Error {
  override readonly name = 'UnknownTensorError';
}

/** The graph has a cycle or a node input that nothing produces. */
export class GraphStructureError extends Error {
  override readonly name = 'GraphStructureError';
}

export interface NodeOptions {
  /** Output names; default: one generated name. A number asks for that many generated names. */
  readonly outputs?: readonly string[] | number;
  readonly name?: string;
  readonly attrs?: Readonly<Record<string, AttributeValue>>;
  readonly domain?: string;
}

/** Microsoft's contrib-op domain: FastGelu, the one op of it our passes make (fuse-gelu.ts). */
export const MS_DOMAIN = 'com.microsoft';

/** A node that exists and is a standard ai.onnx op ('' and 'ai.onnx' are the same domain): what passes match. */
export function isOnnxOp(node: NodeProto | undefined): node is NodeProto {
  return !!node && (!node.domain || node.domain === 'ai.onnx');
}

/** Names a node reads from the enclosing scope through its subgraphs (If/Loop/Scan bodies). */
export function implicitInputs(node: NodeProto): string[] {
  const out = new Set<string>();
  for (const g of subgraphsOf(node)) {
    const defined = new Set<string>([
      ...(g.input ?? []).map((v) => v.name ?? ''),
      ...(g.initializer ?? []).map((t) => t.name ?? ''),
    ]);
    for (const n of g.node ?? []) {
      for (const i of [...(n.input ?? []), ...implicitInputs(n)]) if (i && !defined.has(i)) out.add(i);
      for (const o of n.output ?? []) defined.add(o);
    }
  }
  return [...out];
}

export class Graph {
  nodes: NodeProto[];
  readonly initializers: Map<string, TensorProto>;
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  readonly valueInfo: Map<string, ValueInfoProto>;
  /** Fields of the GraphProto this class does not edit (name, doc string, unknown fields…), written back as is. */
  private readonly rest: GraphProto;
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();

  constructor(proto: GraphProto = {}) {
    const { node, initializer, input, output, valueInfo, ...rest } = proto;
    this.rest = rest;
    this.nodes = [...(node ?? [])];
    this.initializers = new Map((initializer ?? []).map((t) => [t.name ?? '', t]));
    this.inputs = [...(input ?? [])];
    this.outputs = [...(output ?? [])];
    this.valueInfo = new Map((valueInfo ?? []).map((v) => [v.name ?? '', v]));
    for (const n of this.nodes) {
      if (n.name) this.used.add(n.name);
      for (const o of n.output ?? []) this.used.add(o);
    }
    for (const name of [...this.initializers.keys(), ...this.inputs.map((v) => v.name ?? '')])
      this.used.add(name);
  }

  toProto(): GraphProto {
    return {
      ...this.rest,
      node: this.nodes,
      initializer: [...this.initializers.values()],
      input: this.inputs,
      output: this.outputs,
      valueInfo: [...this.valueInfo.values()],
    };
  }

  /** A copy whose lists, maps and node input/output lists can be edited independently; tensors are shared. */
  clone(): Graph {
    return new Graph(structuredCloneShallow(this.toProto()));
  }

  /** A fresh tensor/node name starting with `base`, never used in this graph before. */
  uniqueName(base: string): string {
    if (!this.used.has(base)) {
      this.used.add(base);
      return base;
    }
    let n = this.counters.get(base) ?? 1;
    while (this.used.has(`${base}_${n}`)) n++;
    this.counters.set(base, n + 1);
    const name = `${base}_${n}`;
    this.used.add(name);
    return name;
  }

  /** Marks a name as taken (for names that must be exactly as given, e.g. `grad.<param>`). */
  reserveName(name: string): void {
    if (this.used.has(name)) throw new DuplicateNameError(`'${name}' is already used in the graph`);
    this.used.add(name);
  }

  hasName(name: string): boolean {
    return this.used.has(name);
  }

  addNode(opType: string, inputs: readonly string[], options: NodeOptions = {}): NodeProto {
    const name = options.name !== undefined ? this.claim(options.name) : this.uniqueName(opType);
    const outs = options.outputs ?? 1;
    const output =
      typeof outs === 'number'
        ? Array.from({ length: outs }, (_, i) => this.uniqueName(`${name}_out${outs > 1 ? i : ''}`))
        : outs.map((o) => (o === '' ? '' : this.claim(o)));
    const node: NodeProto = { input: [...inputs], output, name, opType };
    if (options.domain) node.domain = options.domain;
    const attribute = makeAttributes(options.attrs);
    if (attribute.length > 0) node.attribute = attribute;
    this.nodes.push(node);
    return node;
  }

  /** addNode for the common single-output case: returns the output name. */
  add(opType: string, inputs: readonly string[], attrs?: Readonly<Record<string, AttributeValue>>): string {
    return this.addNode(opType, inputs, attrs ? { attrs } : {}).output![0]!;
  }

  addInitializer(t: TensorProto): string {
    const name = t.name ?? '';
    if (!name) throw new UnknownTensorError('an initializer needs a name');
    this.claim(name);
    this.initializers.set(name, t);
    return name;
  }

  /** Adds `t` as an initializer under a fresh name derived from `base`; returns that name. */
  addConstant(base: string, t: TensorProto): string {
    const name = this.uniqueName(base);
    this.initializers.set(name, { ...t, name });
    return name;
  }

  addInput(name: string, dtype: number, dims: readonly Dim[] | null): void {
    this.claim(name);
    this.inputs.push(makeValueInfo(name, dtype, dims));
  }

  /** Declares an existing tensor as a graph output (type optional: ORT infers it). */
  addOutput(name: string, dtype?: number, dims?: readonly Dim[] | null): void {
    this.outputs.push(dtype === undefined ? { name } : makeValueInfo(name, dtype, dims ?? null));
  }

  removeOutput(name: string): void {
    this.outputs = this.outputs.filter((o) => o.name !== name);
  }

  /** Turns a frozen weight into a graph input (a trainable); returns its value so the caller can feed it. */
  promoteToInput(name: string): TensorProto {
    const t = this.initializers.get(name);
    if (!t) throw new UnknownTensorError(`'${name}' is not an initializer`);
    this.initializers.delete(name);
    this.inputs.push(makeValueInfo(name, t.dataType ?? 0, t.dims ?? []));
    return t;
  }

  /** The reverse of promoteToInput: the input becomes an initializer holding `value`. */
  demoteToInitializer(name: string, value: TensorProto): void {
    if (!this.inputs.some((i) => i.name === name))
      throw new UnknownTensorError(`'${name}' is not a graph input`);
    this.inputs = this.inputs.filter((i) => i.name !== name);
    this.initializers.set(name, { ...value, name });
  }

  isGraphInput(name: string): boolean {
    return this.inputs.some((i) => i.name === name);
  }

  /** Node producing each tensor. */
  producers(): Map<string, NodeProto> {
    const m = new Map<string, NodeProto>();
    for (const n of this.nodes) for (const o of n.output ?? []) if (o) m.set(o, n);
    return m;
  }

  /** Nodes reading each tensor (including reads from inside subgraphs). */
  consumers(): Map<string, NodeProto[]> {
    const m = new Map<string, NodeProto[]>();
    for (const n of this.nodes)
      for (const i of new Set([...(n.input ?? []), ...implicitInputs(n)])) {
        if (!i) continue;
        const list = m.get(i);
        if (list) list.push(n);
        else m.set(i, [n]);
      }
    return m;
  }

  /** Nodes in an order where every node comes after the producers of its inputs (stable otherwise). */
  topologicalOrder(): NodeProto[] {
    const producers = this.producers();
    const state = new Map<NodeProto, 1 | 2>();
    const order: NodeProto[] = [];
    // Iterative DFS: deep graphs (hundreds of layers) would overflow a recursive one.
    for (const root of this.nodes) {
      if (state.has(root)) continue;
      const stack: [NodeProto, number][] = [[root, 0]];
      state.set(root, 1);
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const [node, idx] = top;
        const deps = [...(node.input ?? []), ...implicitInputs(node)];
        if (idx < deps.length) {
          top[1]++;
          const p = producers.get(deps[idx]!);
          if (!p) continue;
          const s = state.get(p);
          if (s === 1)
            throw new GraphStructureError(`cycle through node '${p.name ?? ''}' (${p.opType ?? ''})`);
          if (s === undefined) {
            state.set(p, 1);
            stack.push([p, 0]);
          }
        } else {
          state.set(node, 2);
          order.push(node);
          stack.pop();
        }
      }
    }
    return order;
  }

  sortTopologically(): void {
    this.nodes = this.topologicalOrder();
  }

  /**
   * Removes nodes that no graph output depends on, then initializers and value_info nobody reads.
   * Graph inputs stay (removing one would change the model's signature).
   */
  prune(): void {
    const producers = this.producers();
    const live = new Set<NodeProto>();
    const stack = this.outputs.map((o) => o.name ?? '');
    const seen = new Set<string>();
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (seen.has(t)) continue;
      seen.add(t);
      const p = producers.get(t);
      if (!p || live.has(p)) continue;
      live.add(p);
      stack.push(...(p.input ?? []), ...implicitInputs(p));
    }
    this.nodes = this.nodes.filter((n) => live.has(n));
    for (const name of [...this.initializers.keys()]) if (!seen.has(name)) this.initializers.delete(name);
    for (const name of [...this.valueInfo.keys()]) if (!seen.has(name)) this.valueInfo.delete(name);
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new DuplicateNameError(`'${name}' is already used in the graph`);
    this.used.add(name);
    return name;
  }
}

function structuredCloneShallow(g: GraphProto): GraphProto {
  return {
    ...g,
    node: (g.node ?? []).map((n) => ({ ...n, input: [...(n.input ?? [])], output: [...(n.output ?? [])] })),
    initializer: [...(g.initializer ?? [])],
    input: [...(g.input ?? [])],
    output: [...(g.output ?? [])],
    valueInfo: [...(g.valueInfo ?? [])],
  };
}
