/**
 * Makes every weight of an exported decoder its own initializer before training.
 *
 * torch.onnx shares initializers with equal values (a fresh model's layer norms are all ones, its biases all
 * zeros) and names the other uses through Identity nodes. Trained separately, those weights stop being equal,
 * so each alias becomes an initializer of its own, holding the same (shared, read-only) bytes.
 */
import type { Graph } from '../../onnx/graph/graph';
import type { OnnxModel } from '../../onnx/graph/model';
import { DataType } from '../../onnx/proto/tensor';

/** Replaces Identity(initializer) nodes by initializers; returns the names that were aliases. */
export function untieInitializerAliases(graph: Graph): string[] {
  const untied: string[] = [];
  graph.nodes = graph.nodes.filter((node) => {
    const source = graph.initializers.get(node.input?.[0] ?? '');
    const output = node.output?.[0];
    if (node.opType !== 'Identity' || !source || source.dataType !== DataType.FLOAT || !output) return true;
    if (graph.isGraphInput(output) || graph.outputs.some((o) => o.name === output)) return true;
    graph.initializers.set(output, { ...source, name: output });
    untied.push(output);
    return false;
  });
  return untied;
}

/** The decoder's opset is too old for training graphs, or cannot be raised without changing its meaning. */
export class OpsetUpgradeError extends Error {
  override readonly name = 'OpsetUpgradeError';
}

/**
 * Ops whose meaning changed between opsets 13 and 17 (everything else there only gained types or attributes whose
 * defaults keep the old behaviour: Reshape allowzero, Shape start/end, ScatterElements/ScatterND reduction…).
 */
const CHANGED_SINCE_13 = new Set(['BatchNormalization', 'RoiAlign']);

/**
 * Raises an opset 13–15 model to 16 — the first opset with ScatterElements / ScatterND reduction='add', which
 * the gradients of Gather and GatherElements need. Opset 13 is the floor: before it, Squeeze, Unsqueeze,
 * ReduceSum and Split took their axes as attributes.
 */
export function raiseOpsetForTraining(model: OnnxModel, target = 16): void {
  const version = model.requireOpset('');
  if (version >= target) return;
  if (version < 13)
    throw new OpsetUpgradeError(`opset ${version} is older than 13; export the decoder with opset ≥ 13`);
  const changed = model.graph.nodes.find(
    (n) => (!n.domain || n.domain === 'ai.onnx') && CHANGED_SINCE_13.has(n.opType ?? ''),
  );
  if (changed)
    throw new OpsetUpgradeError(
      `cannot raise opset ${version} to ${target}: ${changed.opType} changed meaning in between`,
    );
  for (const o of model.opsetImports) if (!o.domain || o.domain === 'ai.onnx') o.version = target;
}
