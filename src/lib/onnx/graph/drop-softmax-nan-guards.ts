/**
 * torch.onnx exports scaled_dot_product_attention's softmax as Where(IsNaN(p), 0, p) (Where(Not(Equal(p, p)), 0, p)
 * once lowered for WebGPU): a row whose every score is masked to −inf comes out of Softmax as NaN, and torch makes
 * it 0. Where the additive mask is a constant with a finite entry in every row, no row is all −inf, and for finite
 * scores p holds no NaN: the guard returns p itself. Dropping it saves three kernels forward and one backward per
 * attention (48 in a real-size LoRA step). Only for non-finite scores (an overflow upstream) does anything change:
 * p is then NaN and so is the loss, where the guard would have zeroed the row silently; the trainer keeps its
 * weights on a non-finite gradient (optimizer-graph.ts), so such a step changes nothing either way.
 */
import type { NodeProto } from '../proto/types';
import { isOnnxOp, type Graph } from './graph';
import type { Known } from './infer/common';
import { attrInt } from './attributes';

/** Every row along the last axis of a constant holds a finite number. */
function everyRowHasFinite(k: Known | undefined): boolean {
  const dims = k?.dims;
  const values = k?.value;
  if (!dims || !values || !dims.every((d): d is number => typeof d === 'number')) return false;
  const row = dims.length === 0 ? 1 : dims[dims.length - 1]!;
  if (row === 0 || values.length % row !== 0) return false;
  for (let start = 0; start < values.length; start += row) {
    let finite = false;
    for (let i = start; i < start + row && !finite; i++) finite = Number.isFinite(values[i]);
    if (!finite) return false;
  }
  return true;
}

/** The guarded tensor p of Where(Not(Equal(p, p)), _, p) or Where(IsNaN(p), _, p); else undefined. */
function guarded(where: NodeProto, producers: ReadonlyMap<string, NodeProto>): string | undefined {
  if (!isOnnxOp(where) || where.opType !== 'Where' || where.input?.length !== 3) return undefined;
  const [cond, , p] = where.input as [string, string, string];
  const test = producers.get(cond);
  if (isOnnxOp(test) && test.opType === 'IsNaN') return test.input?.[0] === p ? p : undefined;
  if (!isOnnxOp(test) || test.opType !== 'Not') return undefined;
  const eq = producers.get(test.input![0]!);
  return isOnnxOp(eq) && eq.opType === 'Equal' && eq.input?.[0] === p && eq.input[1] === p ? p : undefined;
}

/** Drops the guards in place; returns how many. `known` gives the masks' values and every tensor's rank. */
export function dropSoftmaxNanGuards(graph: Graph, known: ReadonlyMap<string, Known>): number {
  const producers = graph.producers();
  const graphOutputs = new Set(graph.outputs.map((o) => o.name ?? ''));
  const replace = new Map<string, string>();
  for (const where of graph.nodes) {
    const p = guarded(where, producers);
    const softmax = p ? producers.get(p) : undefined;
    if (!p || !isOnnxOp(softmax) || softmax.opType !== 'Softmax' || graphOutputs.has(where.output![0]!))
      continue;
    const rank = known.get(p)?.dims?.length;
    const axis = attrInt(softmax, 'axis', -1);
    if (rank === undefined || (axis !== -1 && axis !== rank - 1)) continue;
    const add = producers.get(softmax.input![0]!);
    if (!isOnnxOp(add) || add.opType !== 'Add') continue;
    // One operand is the scores (finite by assumption), the other a constant mask with a finite entry per row.
    if (!add.input!.some((m) => everyRowHasFinite(known.get(m)) && !graph.isGraphInput(m))) continue;
    replace.set(where.output![0]!, p);
  }
  if (replace.size === 0) return 0;
  graph.nodes = graph.nodes.filter((n) => !replace.has(n.output?.[0] ?? ''));
  for (const n of graph.nodes) n.input = (n.input ?? []).map((i) => replace.get(i) ?? i);
  graph.prune();
  return replace.size;
}
