/**
 * FastestDet as shipped fixes its batch dimension at 1: the input is [1, 3, 352, 352] and every
 * ShuffleNetV2 channel shuffle was traced with batch 1 folded into its Reshape constants
 * (`x.reshape(b·c/2, 2, h·w).permute(1, 0, 2).reshape(2, -1, c/2, h, w)` became [c/2, 2, h·w], then
 * [2, -1, c/2, h, w]). Writing −1 for the b·c/2 of the first Reshape and a symbolic batch on the graph's
 * input and output gives the same model for any batch: with batch b the first Reshape yields [b·c/2, 2, h·w],
 * the transpose [2, b·c/2, h·w], the second Reshape [2, b, c/2, h, w], exactly the traced computation.
 * Anything else in the graph that pins the batch makes the rewrite refuse (DetectorRewriteError), rather
 * than produce a model that is wrong for batch > 1. Tests compare batched outputs with one-by-one runs.
 */
import { decodeModel, encodeModel, int64Tensor, readIntegers } from '../../onnx/proto';
import type { GraphProto, NodeProto, TensorProto } from '../../onnx/proto';
import { DetectorRewriteError } from './errors';

export const BATCH_DIM_NAME = 'batch';

function attrInts(node: NodeProto, name: string): number[] | undefined {
  return node.attribute?.find((a) => a.name === name)?.ints?.map(Number);
}

function setBatchDim(graph: GraphProto, which: 'input' | 'output'): void {
  const list = which === 'input' ? graph.input : graph.output;
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const real = (list ?? []).filter((v) => !initializers.has(v.name));
  if (real.length !== 1) throw new DetectorRewriteError(`Expected one graph ${which}, found ${real.length}.`);
  const dims = real[0]!.type?.tensorType?.shape?.dim;
  if (dims === undefined || dims.length !== 4 || dims[0]!.dimValue !== 1) {
    throw new DetectorRewriteError(`The graph ${which} is not [1, c, h, w].`);
  }
  dims[0] = { dimParam: BATCH_DIM_NAME };
}

/** Returns the model's bytes with a symbolic batch dimension. The input bytes are not modified. */
export function makeFastestDetBatchable(bytes: Uint8Array): Uint8Array {
  const model = decodeModel(bytes);
  const graph = model.graph;
  if (graph === undefined) throw new DetectorRewriteError('The model has no graph.');
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const consumers = new Map<string, NodeProto[]>();
  for (const node of graph.node ?? []) {
    for (const input of node.input ?? []) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  }
  const replaced = new Map<string, TensorProto>();
  let shuffles = 0;
  for (const node of graph.node ?? []) {
    if (node.opType !== 'Reshape') continue;
    const shapeName = node.input?.[1] ?? '';
    const shape = initializers.get(shapeName);
    if (shape === undefined) {
      throw new DetectorRewriteError(`Reshape ${node.name ?? ''} takes a computed shape; cannot rewrite.`);
    }
    const values = readIntegers(shape);
    if (values.includes(-1)) continue; // already follows the batch
    const next = consumers.get(node.output?.[0] ?? '') ?? [];
    const perm =
      next.length === 1 && next[0]!.opType === 'Transpose' ? attrInts(next[0]!, 'perm') : undefined;
    if (values.length !== 3 || values[1] !== 2 || perm?.join(',') !== '1,0,2') {
      throw new DetectorRewriteError(
        `Reshape ${node.name ?? ''} to [${values.join(', ')}] is not a channel shuffle; the batch may be pinned there.`,
      );
    }
    if ((consumers.get(shapeName) ?? []).length !== 1) {
      throw new DetectorRewriteError(`The shape ${shapeName} is shared; cannot rewrite it alone.`);
    }
    replaced.set(shapeName, int64Tensor(shapeName, [3], [-1, values[1]!, values[2]!]));
    shuffles++;
  }
  if (shuffles === 0) throw new DetectorRewriteError('No channel shuffle found: is this FastestDet?');
  graph.initializer = (graph.initializer ?? []).map((t) => replaced.get(t.name ?? '') ?? t);
  setBatchDim(graph, 'input');
  setBatchDim(graph, 'output');
  // Intermediate shape hints were traced at batch 1; ORT infers them again.
  graph.valueInfo = [];
  return encodeModel(model);
}
