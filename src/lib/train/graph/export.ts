/**
 * Writes trained weights back into the student's own ONNX files, so that transformers.js loads the result
 * unchanged (docs/architecture.md decision 3): the plain decoder_model.onnx and decoder_model_merged.onnx.
 *
 * A weight is found in a file by, in order: its name, or its name with the suffix optimum's merge adds
 * (`_merged_0`…); an Identity node of that name (torch.onnx shares equal initializers that way: the weight then
 * gets an initializer of its own); its original value (the one float tensor of equal size and bytes, when there
 * is exactly one). It is looked for in the main graph and in every subgraph (the merged decoder's If branches
 * may hold their own initializers). Every tensor found must hold the original value, else the file is not the
 * one that was trained and an error is thrown. LoRA adapters are folded into their base weights first.
 */
import { subgraphsOf } from '../../onnx/graph/attributes';
import { decodeModel, encodeModel } from '../../onnx/proto/model-io';
import { DataType, readFloat32 } from '../../onnx/proto/tensor';
import type { GraphProto, ModelProto, TensorProto } from '../../onnx/proto/types';
import type { TrainingArtifacts } from './artifacts';
import { foldLora } from './lora';

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
  return {
    ...rest,
    rawData: new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)),
  };
}

const MERGED_SUFFIX = /_merged_\d+$/;

interface Location {
  readonly graph: GraphProto;
  readonly index: number;
}

function locateByName(graphs: readonly GraphProto[], name: string): Location[] {
  const found: Location[] = [];
  for (const graph of graphs)
    (graph.initializer ?? []).forEach((t, index) => {
      if (isFloat(t) && (t.name === name || (t.name ?? '').replace(MERGED_SUFFIX, '') === name))
        found.push({ graph, index });
    });
  return found;
}

function locateByValue(graphs: readonly GraphProto[], original: Float32Array): Location[] {
  const found: Location[] = [];
  for (const graph of graphs)
    (graph.initializer ?? []).forEach((t, index) => {
      const size = (t.dims ?? []).reduce((a, b) => a * b, 1);
      if (isFloat(t) && size === original.length && sameValues(readFloat32(t), original))
        found.push({ graph, index });
    });
  return found.length === 1 ? found : [];
}

/** The Identity node that names `weight` as an alias of another initializer, and its graph. */
function aliasOf(
  graphs: readonly GraphProto[],
  name: string,
): { graph: GraphProto; node: number } | undefined {
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
    const byName = locateByName(graphs, weight.name);
    const alias = byName.length === 0 ? aliasOf(graphs, weight.name) : undefined;
    if (alias) {
      const [node] = alias.graph.node!.splice(alias.node, 1);
      const dims = aliasDims(graphs, node!.input![0]!);
      if (!dims) throw new WeightExportError(`the alias '${weight.name}' has no source initializer`);
      alias.graph.initializer = [
        ...(alias.graph.initializer ?? []),
        withValue({ name: weight.name, dims, dataType: DataType.FLOAT }, weight.value),
      ];
      continue;
    }
    const found = byName.length > 0 ? byName : locateByValue(graphs, weight.original);
    if (found.length === 0)
      throw new WeightExportError(`found no tensor for the trained weight '${weight.name}'`);
    for (const { graph: g, index } of found) {
      const t = g.initializer![index]!;
      if (!sameValues(readFloat32(t), weight.original))
        throw new WeightExportError(
          `'${t.name ?? ''}' in this file does not hold the weight '${weight.name}' that was trained`,
        );
      g.initializer![index] = withValue(t, weight.value);
    }
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

/** Float weights of a model by name, Identity aliases resolved to their source's value. */
function weightValues(model: ModelProto): Map<string, Float32Array> {
  const values = new Map<string, Float32Array>();
  const graph = model.graph ?? {};
  for (const t of graph.initializer ?? []) if (isFloat(t)) values.set(t.name ?? '', readFloat32(t));
  for (const n of graph.node ?? []) {
    const source = values.get(n.input?.[0] ?? '');
    if (n.opType === 'Identity' && source && n.output?.[0]) values.set(n.output[0], source);
  }
  return values;
}

/**
 * The weights to write after training: the trained tensors themselves, or for LoRA each base weight with its
 * adapter folded in. `decoder` is the plain decoder the artifacts were built from.
 */
export function trainedWeights(
  artifacts: Pick<TrainingArtifacts, 'adapters' | 'trainables'>,
  decoder: Uint8Array,
  values: ReadonlyMap<string, Float32Array>,
): TrainedWeight[] {
  const originals = weightValues(decodeModel(decoder));
  const need = (name: string, map: ReadonlyMap<string, Float32Array>, what: string): Float32Array => {
    const v = map.get(name);
    if (!v) throw new WeightExportError(`no ${what} for '${name}'`);
    return v;
  };
  if (artifacts.adapters.length > 0)
    return artifacts.adapters.map((adapter) => {
      const original = need(adapter.target, originals, 'base weight in the decoder');
      const a = need(adapter.a, values, 'trained value');
      const b = need(adapter.b, values, 'trained value');
      return { name: adapter.target, original, value: foldLora(original, adapter, a, b) };
    });
  return artifacts.trainables.map(({ name }) => ({
    name,
    original: need(name, originals, 'weight in the decoder'),
    value: need(name, values, 'trained value'),
  }));
}
