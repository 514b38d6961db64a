/**
 * What a training session holds on the device, accounted from the training graph itself (static shapes): the
 * trainer's state (params, gradients and both moments, float32), the frozen weights (the graph's initializers),
 * and the activations the backward pass needs, i.e. every tensor a forward node produces and a gradient node
 * consumes (they must all be alive when the backward pass starts). Not counted: transient tensors that the
 * runtime frees or reuses within a run, and its own buffer caches; a benchmark measures those from the outside.
 */
import { OnnxModel } from '../../onnx/graph/model';
import { inferShapes } from '../../onnx/graph/shape-inference';
import { elementByteSize } from '../../onnx/proto/tensor';
import type { NodeProto } from '../../onnx/proto/types';
import type { TrainableTensor } from './optimizer-graph';

export interface TrainingMemory {
  /** Float32 bytes of the trainable tensors (one copy). */
  readonly paramBytes: number;
  /** Gradients (one copy per trainable) and the two Adam moments. */
  readonly gradBytes: number;
  readonly momentBytes: number;
  /** Initializers of the training graph: frozen weights and constants. */
  readonly frozenBytes: number;
  /** Forward tensors the backward pass reads, at the artifact's batch and caption length. */
  readonly savedActivationBytes: number;
  readonly savedActivations: readonly string[];
  /** Graph inputs other than the trainables (tokens, encoder states, labels, mask, weights). */
  readonly inputBytes: number;
  /** Saved activations whose size shape inference could not tell (not in savedActivationBytes). */
  readonly unknownSizeTensors: number;
}

/** Accounts the memory of a training graph whose outputs are `lossName` and one gradient per trainable. */
export function trainingMemory(
  trainingGraph: Uint8Array,
  trainables: readonly TrainableTensor[],
  lossName = 'loss',
): TrainingMemory {
  const model = OnnxModel.decode(trainingGraph);
  const g = model.graph;
  const known = inferShapes(g, model.requireOpset());
  const bytesOf = (name: string): number | null => {
    const k = known.get(name);
    if (!k?.dims || !k.dims.every((d): d is number => typeof d === 'number')) return null;
    return k.dims.reduce((a, b) => a * b, 1) * elementByteSize(k.dtype);
  };

  // Forward = the loss's ancestors; every other node computes gradients.
  const producers = g.producers();
  const forward = new Set<NodeProto>();
  const pending = [lossName];
  while (pending.length > 0) {
    const node = producers.get(pending.pop()!);
    if (!node || forward.has(node)) continue;
    forward.add(node);
    pending.push(...(node.input ?? []).filter(Boolean));
  }
  const saved = new Set<string>();
  for (const node of g.nodes) {
    if (forward.has(node)) continue;
    for (const input of node.input ?? []) {
      const producer = input ? producers.get(input) : undefined;
      if (producer && forward.has(producer)) saved.add(input);
    }
  }
  let savedActivationBytes = 0;
  let unknownSizeTensors = 0;
  for (const name of saved) {
    const bytes = bytesOf(name);
    if (bytes === null) unknownSizeTensors++;
    else savedActivationBytes += bytes;
  }

  const trainableNames = new Set(trainables.map((t) => t.name));
  const trainableBytes = trainables.reduce((n, t) => n + 4 * t.dims.reduce((a, b) => a * b, 1), 0);
  let frozenBytes = 0;
  for (const name of g.initializers.keys()) frozenBytes += bytesOf(name) ?? 0;
  let inputBytes = 0;
  for (const vi of g.inputs)
    if (!trainableNames.has(vi.name ?? '') && !g.initializers.has(vi.name ?? ''))
      inputBytes += bytesOf(vi.name ?? '') ?? 0;
  return {
    paramBytes: trainableBytes,
    gradBytes: trainableBytes,
    momentBytes: 2 * trainableBytes,
    frozenBytes,
    savedActivationBytes,
    savedActivations: [...saved],
    inputBytes,
    unknownSizeTensors,
  };
}
