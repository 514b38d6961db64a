/**
 * The optimizer as one ONNX graph of ai.onnx ops (the update is in optimizer-config.ts), fused: ONE update over
 * all trainable tensors at once. Each tensor's value and gradient come in flat (the trainer feeds
 * `tensor.reshape([size])`, a view that costs nothing, where a Reshape node would cost a kernel each: measured
 * ~4.5 µs of kernel time and more of run time per Reshape on ORT's CPU and WebGPU EPs) and are concatenated; the
 * two moments are one flat buffer each (`flatLayout` gives every tensor's place in it), fed in and out as they
 * are; the new values are split back and reshaped to each tensor's dims (a Reshape per tensor of rank ≠ 1: the
 * training graph reads them, and a view of an output could not be read back on ORT Web's GPU buffers). The
 * per-tensor graph this replaced had ~20 nodes per tensor (issue 16: 4,040 of a real-size LoRA step's 7,260
 * kernels). The step's scalars in; the global gradient norm out. A non-finite norm (an Inf or NaN gradient)
 * leaves every tensor unchanged.
 */
import { int } from '../../onnx/graph/attributes';
import type { Graph } from '../../onnx/graph/graph';
import { OnnxModel } from '../../onnx/graph/model';
import { DataType, float32Tensor, int64Tensor } from '../../onnx/proto/tensor';
import { STEP_SCALARS } from './optimizer-config';

export interface TrainableTensor {
  readonly name: string;
  readonly dims: readonly number[];
}

/** Input and output names of the optimizer graph for one trainable tensor. */
export function optimizerNames(name: string) {
  return { param: name, grad: `${name}.grad`, newParam: `${name}.updated` };
}

/** The flat moment buffers: inputs and their updated values. */
export const MOMENT_NAMES = {
  expAvg: 'opt.exp_avg',
  expAvgSq: 'opt.exp_avg_sq',
  newExpAvg: 'opt.exp_avg.updated',
  newExpAvgSq: 'opt.exp_avg_sq.updated',
} as const;

export const GRAD_NORM_OUTPUT = 'grad_norm';

/** Where each tensor lies in the flat buffers (in the order given), and their length. */
export function flatLayout(tensors: readonly TrainableTensor[]) {
  let offset = 0;
  const entries = tensors.map((t) => {
    const size = t.dims.reduce((a, b) => a * b, 1);
    const entry = { name: t.name, dims: t.dims, offset, size };
    offset += size;
    return entry;
  });
  return { entries, length: offset };
}

/** Opset 17 everywhere: every op here has had its current form since 13 or earlier. */
const OPSET = 17;

function newModel(name: string): OnnxModel {
  return new OnnxModel({
    irVersion: 8,
    producerName: 'capgrad-studio',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: { name },
  });
}

/** The tensors (fed flat) as one vector: one Concat, none for a single tensor. */
function concat(g: Graph, names: readonly string[]): string {
  return names.length === 1 ? names[0]! : g.add('Concat', names, { axis: int(0) });
}

/**
 * Outputs per Split node: WebGPU binds a Split's input and every output as storage buffers of one shader, and
 * an adapter may offer as few as 8 per shader stage (the WebGPU default; ORT's WebGPU EP fails a Split with more:
 * "Too many storage buffers in shader"). Concat needs no such care: ORT's WebGPU Concat batches its inputs.
 */
const SPLIT_FAN_OUT = 7;

type LayoutEntry = ReturnType<typeof flatLayout>['entries'][number];

/**
 * Splits `flat` into the entries' pieces named `names` by a tree of Splits of at most SPLIT_FAN_OUT outputs:
 * groups of 7^k entries under each node, about (n − 1) / 6 Splits for n tensors.
 */
function splitTree(g: Graph, flat: string, entries: readonly LayoutEntry[], names: readonly string[]): void {
  if (entries.length === 1) {
    g.addNode('Identity', [flat], { outputs: [names[0]!] });
    return;
  }
  let group = 1;
  while (group * SPLIT_FAN_OUT < entries.length) group *= SPLIT_FAN_OUT;
  const groups: number[] = [];
  for (let i = 0; i < entries.length; i += group) groups.push(i);
  const sizes = groups.map((start) =>
    entries.slice(start, start + group).reduce((sum, e) => sum + e.size, 0),
  );
  const outputs = groups.map((start) => (group === 1 ? names[start]! : `${flat}.part${start}`));
  const splitSizes = g.addConstant('split_sizes', int64Tensor('split_sizes', [sizes.length], sizes));
  g.addNode('Split', [flat, splitSizes], { attrs: { axis: int(0) }, outputs });
  if (group > 1)
    groups.forEach((start, i) =>
      splitTree(g, outputs[i]!, entries.slice(start, start + group), names.slice(start, start + group)),
    );
}

/** The flat result back into the tensors' named outputs: Splits, then a Reshape per tensor of rank ≠ 1. */
function splitFlat(g: Graph, flat: string, tensors: readonly TrainableTensor[]): void {
  const { entries } = flatLayout(tensors);
  const reshaped = entries.map((e) => e.dims.length !== 1);
  const pieces = entries.map((e, i) =>
    reshaped[i] ? `${e.name}.flat_updated` : optimizerNames(e.name).newParam,
  );
  if (entries.length === 1 && reshaped[0]) pieces[0] = flat;
  else splitTree(g, flat, entries, pieces);
  entries.forEach((e, i) => {
    if (!reshaped[i]) return;
    const dims = [...e.dims];
    const shape = g.addConstant(`${e.name}.shape`, int64Tensor(`${e.name}.shape`, [dims.length], dims));
    g.addNode('Reshape', [pieces[i]!, shape], { outputs: [optimizerNames(e.name).newParam] });
  });
}

export function buildOptimizerGraph(tensors: readonly TrainableTensor[]): OnnxModel {
  const model = newModel('optimizer');
  const g = model.graph;
  const { length } = flatLayout(tensors);
  for (const scalar of STEP_SCALARS) g.addInput(scalar, DataType.FLOAT, []);
  for (const t of tensors) {
    const n = optimizerNames(t.name);
    const size = t.dims.reduce((a, b) => a * b, 1);
    g.addInput(n.param, DataType.FLOAT, [size]);
    g.addInput(n.grad, DataType.FLOAT, [size]);
  }
  g.addInput(MOMENT_NAMES.expAvg, DataType.FLOAT, [length]);
  g.addInput(MOMENT_NAMES.expAvgSq, DataType.FLOAT, [length]);
  const scalar = (base: string, value: number): string =>
    g.addConstant(base, float32Tensor(base, [], [value]));
  const one = scalar('one', 1);
  const zero = scalar('zero', 0);
  const tiny = scalar('clip_epsilon', 1e-6); // torch's clip_grad_norm_ adds 1e-6 to the norm

  const param = concat(
    g,
    tensors.map((t) => optimizerNames(t.name).param),
  );
  const scaled = g.add('Mul', [
    concat(
      g,
      tensors.map((t) => optimizerNames(t.name).grad),
    ),
    'opt.grad_scale',
  ]);
  g.addNode('Sqrt', [g.add('ReduceSumSquare', [scaled], { keepdims: int(0) })], {
    outputs: [GRAD_NORM_OUTPUT],
  });
  const clip = g.add('Min', [
    one,
    g.add('Div', ['opt.max_grad_norm', g.add('Add', [GRAD_NORM_OUTPUT, tiny])]),
  ]);
  const finite = g.add('Equal', [g.add('Sub', [GRAD_NORM_OUTPUT, GRAD_NORM_OUTPUT]), zero]);

  const grad = g.add('Add', [g.add('Mul', [scaled, clip]), g.add('Mul', [param, 'opt.l2'])]);
  const expAvg = g.add('Add', [
    g.add('Mul', [MOMENT_NAMES.expAvg, 'opt.beta1']),
    g.add('Mul', [grad, 'opt.one_minus_beta1']),
  ]);
  const expAvgSq = g.add('Add', [
    g.add('Mul', [MOMENT_NAMES.expAvgSq, 'opt.beta2']),
    g.add('Mul', [g.add('Mul', [grad, grad]), 'opt.one_minus_beta2']),
  ]);
  const denom = g.add('Add', [g.add('Mul', [g.add('Sqrt', [expAvgSq]), 'opt.denom_scale']), 'opt.eps']);
  const update = g.add('Mul', [g.add('Div', [expAvg, denom]), 'opt.step_size']);
  const updated = g.add('Sub', [g.add('Mul', [param, 'opt.decay']), update]);
  splitFlat(g, g.add('Where', [finite, updated, param]), tensors);
  g.addNode('Where', [finite, expAvg, MOMENT_NAMES.expAvg], { outputs: [MOMENT_NAMES.newExpAvg] });
  g.addNode('Where', [finite, expAvgSq, MOMENT_NAMES.expAvgSq], { outputs: [MOMENT_NAMES.newExpAvgSq] });
  for (const t of tensors) g.addOutput(optimizerNames(t.name).newParam, DataType.FLOAT, t.dims);
  g.addOutput(MOMENT_NAMES.newExpAvg, DataType.FLOAT, [length]);
  g.addOutput(MOMENT_NAMES.newExpAvgSq, DataType.FLOAT, [length]);
  g.addOutput(GRAD_NORM_OUTPUT, DataType.FLOAT, []);
  return model;
}

/**
 * Adds micro-batch gradients: acc' = acc + g, one Add per trainable tensor (gradient accumulation). Kept per
 * tensor: the training graph gives one gradient per tensor, so a flat sum would cost a Reshape per tensor and a
 * Concat every micro-batch, more kernels than the Adds it replaces.
 */
export function buildAccumulateGraph(tensors: readonly TrainableTensor[]): OnnxModel {
  const model = newModel('accumulate');
  const g = model.graph;
  for (const t of tensors) {
    const { acc, grad, sum } = accumulateNames(t.name);
    g.addInput(acc, DataType.FLOAT, t.dims);
    g.addInput(grad, DataType.FLOAT, t.dims);
    g.addNode('Add', [acc, grad], { outputs: [sum] });
    g.addOutput(sum, DataType.FLOAT, t.dims);
  }
  return model;
}

export function accumulateNames(name: string) {
  return { acc: `${name}.grad_sum`, grad: `${name}.grad`, sum: `${name}.grad_sum.updated` };
}
