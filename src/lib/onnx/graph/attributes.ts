/**
 * Building and reading node attributes. Builders are tagged (`int(1)` vs `float(1)`) because a JS number cannot
 * say which of the two ONNX types it is; readers return JS numbers and fail loudly on a type mismatch.
 */
import { AttributeType } from '../proto/types';
import type { AttributeProto, GraphProto, NodeProto, TensorProto } from '../proto/types';

export type AttributeValue =
  | { readonly type: 'int'; readonly value: number | bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'ints'; readonly value: readonly (number | bigint)[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'strings'; readonly value: readonly string[] }
  | { readonly type: 'tensor'; readonly value: TensorProto }
  | { readonly type: 'graph'; readonly value: GraphProto };

export const int = (value: number | bigint): AttributeValue => ({ type: 'int', value });
export const float = (value: number): AttributeValue => ({ type: 'float', value });
export const string = (value: string): AttributeValue => ({ type: 'string', value });
export const ints = (value: readonly (number | bigint)[]): AttributeValue => ({ type: 'ints', value });
export const floats = (value: readonly number[]): AttributeValue => ({ type: 'floats', value });
export const strings = (value: readonly string[]): AttributeValue => ({ type: 'strings', value });
export const tensor = (value: TensorProto): AttributeValue => ({ type: 'tensor', value });
export const graph = (value: GraphProto): AttributeValue => ({ type: 'graph', value });

/** A node attribute is missing or has another type than the reader asked for. */
export class AttributeError extends Error {
  override readonly name = 'AttributeError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function makeAttribute(name: string, a: AttributeValue): AttributeProto {
  switch (a.type) {
    case 'int':
      return { name, type: AttributeType.INT, i: BigInt(a.value) };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: a.value };
    case 'string':
      return { name, type: AttributeType.STRING, s: encoder.encode(a.value) };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: a.value.map((v) => BigInt(v)) };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: [...a.value] };
    case 'strings':
      return { name, type: AttributeType.STRINGS, strings: a.value.map((s) => encoder.encode(s)) };
    case 'tensor':
      return { name, type: AttributeType.TENSOR, t: a.value };
    case 'graph':
      return { name, type: AttributeType.GRAPH, g: a.value };
  }
}

export function makeAttributes(
  attrs: Readonly<Record<string, AttributeValue>> | undefined,
): AttributeProto[] {
  return Object.entries(attrs ?? {}).map(([name, a]) => makeAttribute(name, a));
}

export function findAttribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

function describe(node: NodeProto): string {
  return `${node.opType ?? '?'} node '${node.name ?? ''}'`;
}

function need<T>(
  node: NodeProto,
  name: string,
  value: T | undefined,
  fallback: T | undefined,
  what: string,
): T {
  if (value !== undefined) return value;
  if (fallback !== undefined) return fallback;
  throw new AttributeError(`${describe(node)} has no ${what} attribute '${name}'`);
}

/** int64 → number, clamping the INT64_MAX/MIN "unbounded" sentinels to the safe range. */
export function toSafeNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (v < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(v);
}

export function attrInt(node: NodeProto, name: string, fallback?: number): number {
  const a = findAttribute(node, name);
  return need(node, name, a?.i !== undefined ? toSafeNumber(a.i) : undefined, fallback, 'int');
}

export function attrFloat(node: NodeProto, name: string, fallback?: number): number {
  return need(node, name, findAttribute(node, name)?.f, fallback, 'float');
}

export function attrString(node: NodeProto, name: string, fallback?: string): string {
  const s = findAttribute(node, name)?.s;
  return need(node, name, s ? decoder.decode(s) : undefined, fallback, 'string');
}

export function attrInts(node: NodeProto, name: string, fallback?: readonly number[]): number[] {
  const a = findAttribute(node, name);
  const v = a ? (a.ints ?? []).map(toSafeNumber) : undefined;
  return [...need<readonly number[]>(node, name, v, fallback, 'ints')];
}

export function attrFloats(node: NodeProto, name: string, fallback?: readonly number[]): number[] {
  const a = findAttribute(node, name);
  return [...need<readonly number[]>(node, name, a ? (a.floats ?? []) : undefined, fallback, 'floats')];
}

export function attrTensor(node: NodeProto, name: string): TensorProto {
  return need(node, name, findAttribute(node, name)?.t, undefined, 'tensor');
}

/** Subgraphs held by a node (If branches, Loop/Scan bodies), in attribute order. */
export function subgraphsOf(node: NodeProto): GraphProto[] {
  return (node.attribute ?? []).flatMap((a) => [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]);
}
