/**
 * Writes trained weights back into the student's own ONNX files, so that transformers.js loads the result
 * unchanged (DESIGN decision 3): the plain decoder_model.onnx and decoder_model_merged.onnx.
 *
 * A weight is found in a file by, in order: its name; its name with the suffix optimum's merge adds
 * (`_merged_0`…); its original value (the one tensor of equal dims and bytes, when exactly one). It is looked
 * for in the main graph and in every subgraph (the merged decoder's If branches may hold their own
 * initializers). Every tensor found must hold the original value, else the file is not the one trained and
 * nothing is written. A weight that the exporter had shared through an Identity node gets its own initializer.
 */
import { subgraphsOf } from '../graph/attributes';
import { decodeModel, encodeModel } from '../proto/model-io';
import { DataType, readFloat32 } from '../proto/tensor';
import type { GraphProto, ModelProto, TensorProto } from '../proto/types';

/** A trained weight could not be placed in a file, or the file's weight does not hold the original value. */
export class WeightExportError extends Error {
  override readonly name = 'WeightExportError';
}

export interface TrainedWeight {
  /** Name in the plain decoder (the training source). */
  readonly name: string;
  readonly original: Float32Array;
  readonly value: Float32Array;
}

function allGraphs(graph: GraphProto): GraphProto[] {
  return [graph, ...(graph.node ?? []).flatMap((n) => subgraphsOf(n).flatMap(allGraphs))];
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function isFloat(t: TensorProto): boolean {
  return t.dataType === DataType.FLOAT;
}

function withValue(t: TensorProto, value: Float32Array): TensorProto {
  const { floatData: _floatData, ...rest } = t;
  return { ...rest, rawData: new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)) };
}

const MERGED_SUFFIX = /_merged_\d+$/;

interface Location {
  readonly graph: GraphProto;
  readonly index: number;
}

function locate(graphs: readonly GraphProto[], weight: TrainedWeight): Location[] {
  const byName: Location[] = [];
  const byValue: Location[] = [];
  for (const graph of graphs) {
    (graph.initializer ?? []).forEach((t, index) => {
      if (!isFloat(t)) return;
      const name = t.name ?? '';
      if (name === weight.name || name.replace(MERGED_SUFFIX, '') === weight.name) byName.push({ graph, index });
      else if (t.dims?.reduce((a, b) => a * b, 1) === weight.original.length && sameValues(readFloat32(t), weight.original))
        byValue.push({ graph, index });
    });
  }
  if (byName.length > 0) return byName;
  return byValue.length === 1 ? byValue : [];
}

/** The Identity node that names `weight` as an alias of another initializer, and its graph. */
function aliasOf(graphs: readonly GraphProto[], name: string): { graph: GraphProto; node: number } | undefined {
  for (const graph of graphs) {
    const node = (graph.node ?? []).findIndex((n) => n.opType === 'Identity' && n.output?.[0] === name);
    if (node >= 0) return { graph, node };
  }
  return undefined;
}

/** Returns a copy of `model` with the trained values written in (the input proto is not modified). */
export function writeWeights(model: ModelProto, weights: readonly TrainedWeight[]): ModelProto {
  const graph = structuredCopy(model.graph ?? {});
  const graphs = allGraphs(graph);
  for (const weight of weights) {
    const found = locate(graphs, weight);
    for (const { graph: g, index } of found) {
      const t = g.initializer![index]!;
      if (!sameValues(readFloat32(t), weight.original))
        throw new WeightExportError(`'${t.name ?? ''}' in this file does not hold the weight '${weight.name}' that was trained`);
      g.initializer![index] = withValue(t, weight.value);
    }
    if (found.length > 0) continue;
    const alias = aliasOf(graphs, weight.name);
    if (!alias) throw new WeightExportError(`found no tensor for the trained weight '${weight.name}'`);
    const [node] = alias.graph.node!.splice(alias.node, 1);
    const dims = weight.original.length === weight.value.length ? aliasDims(graphs, node!.input![0]!) : undefined;
    if (!dims) throw new WeightExportError(`the alias '${weight.name}' has no source initializer`);
    alias.graph.initializer = [
      ...(alias.graph.initializer ?? []),
      withValue({ name: weight.name, dims, dataType: DataType.FLOAT }, weight.value),
    ];
  }
  return { ...model, graph };
}

function aliasDims(graphs: readonly GraphProto[], source: string): number[] | undefined {
  for (const g of graphs) {
    const t = g.initializer?.find((i) => i.name === source);
    if (t) return [...(t.dims ?? [])];
  }
  return undefined;
}

/** Copies the graph structure (lists, nodes, attributes, subgraphs); tensors stay shared and are replaced, never edited. */
function structuredCopy(graph: GraphProto): GraphProto {
  return {
    ...graph,
    initializer: [...(graph.initializer ?? [])],
    node: (graph.node ?? []).map((n) =>
      n.attribute
        ? {
            ...n,
            attribute: n.attribute.map((a) => ({
              ...a,
              ...(a.g ? { g: structuredCopy(a.g) } : {}),
              ...(a.graphs ? { graphs: a.graphs.map(structuredCopy) } : {}),
            })),
          }
        : n,
    ),
  };
}

/** writeWeights on encoded bytes. */
export function writeWeightsToBytes(modelBytes: Uint8Array, weights: readonly TrainedWeight[]): Uint8Array {
  return encodeModel(writeWeights(decodeModel(modelBytes), weights));
}
