/**
 * The optimizer as one ONNX graph of ai.onnx ops (the update is in optimizer-config.ts), fused: ONE update over
 * all trainable tensors at once. Each tensor's value and gradient come in flat (views, `flatView` in
 * trainer-tensors.ts, which cost nothing, where a Reshape node would cost a kernel each: measured
 * ~4.5 µs of kernel time and more of run time per Reshape on ORT's CPU and WebGPU EPs) and are concatenated; the
 * two moments are one flat buffer each (`flatLayout` gives every tensor's place in it), fed in and out as they
 * are; the new values are split back, flat as well (the trainer keeps them so and gives the training graph views
 * with each tensor's dims; reads go through the flat tensor, as a view over an output's GPU buffer cannot be read
 * back on ORT Web). The per-tensor graph this replaced had ~20 nodes per tensor (issue 16: 4,040 of a real-size
 * LoRA step's 7,260 kernels). The step's scalars in; the global gradient norm out. A non-finite norm (an Inf or
 * NaN gradient) leaves every tensor unchanged.
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

/**
 * Elements per fused update. One update over everything would hold each of its ~10 elementwise intermediates at
 * the size of all trainables at once (measured on the CPU EP: +545 MB of peak memory over the per-tensor graph in
 * last-2-blocks mode, 18.9 M trainables, and the full decoder has 124 M); groups of at most 4 M elements (16 MB
 * per intermediate) bound that, for ~22 kernels a group: one group for LoRA at real size (1.7 M), five for the
 * last two blocks. A tensor larger than this is a group of its own.
 */
export const GROUP_ELEMENTS = 1 << 22;

/** The trainables cut into fused-update groups, in order: a new group when the next tensor would not fit. */
export function optimizerGroups(
  tensors: readonly TrainableTensor[],
  cap: number = GROUP_ELEMENTS,
): TrainableTensor[][] {
  const groups: TrainableTensor[][] = [];
  let size = 0;
  for (const t of tensors) {
    const n = t.dims.reduce((a, b) => a * b, 1);
    const last = groups[groups.length - 1];
    if (last && size + n <= cap) {
      last.push(t);
      size += n;
    } else {
      groups.push([t]);
      size = n;
    }
  }
  return groups;
}

/** The flat moment buffers of fused-update group `group`: inputs and their updated values. */
export function momentNames(group: number) {
  return {
    expAvg: `opt.exp_avg.${group}`,
    expAvgSq: `opt.exp_avg_sq.${group}`,
    newExpAvg: `opt.exp_avg.${group}.updated`,
    newExpAvgSq: `opt.exp_avg_sq.${group}.updated`,
  };
}

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

/**
 * The flat result back into the tensors' named outputs, each flat too: the trainer views each as its dims
 * (`shapedView`, no copy). A Reshape here would write a graph output, which ORT fills by a buffer copy: one per
 * tensor of rank 2 and step (168 in a real-size LoRA step; on WebGPU a copy cannot sit inside a compute pass).
 */
function splitFlat(g: Graph, flat: string, tensors: readonly TrainableTensor[]): void {
  const { entries } = flatLayout(tensors);
  const outputs = entries.map((e) => optimizerNames(e.name).newParam);
  splitTree(g, flat, entries, outputs);
}

/**
 * The global gradient norm first (every group's scaled gradients, one ReduceSumSquare each, summed), then each
 * group's update in turn, so that one group's intermediates are freed before the next group's are made.
 */
export function buildOptimizerGraph(
  tensors: readonly TrainableTensor[],
  cap: number = GROUP_ELEMENTS,
): OnnxModel {
  const model = newModel('optimizer');
  const g = model.graph;
  const groups = optimizerGroups(tensors, cap);
  for (const scalar of STEP_SCALARS) g.addInput(scalar, DataType.FLOAT, []);
  for (const t of tensors) {
    const n = optimizerNames(t.name);
    const size = t.dims.reduce((a, b) => a * b, 1);
    g.addInput(n.param, DataType.FLOAT, [size]);
    g.addInput(n.grad, DataType.FLOAT, [size]);
  }
  groups.forEach((group, i) => {
    const { length } = flatLayout(group);
    g.addInput(momentNames(i).expAvg, DataType.FLOAT, [length]);
    g.addInput(momentNames(i).expAvgSq, DataType.FLOAT, [length]);
  });
  const scalar = (base: string, value: number): string =>
    g.addConstant(base, float32Tensor(base, [], [value]));
  const one = scalar('one', 1);
  const zero = scalar('zero', 0);
  const tiny = scalar('clip_epsilon', 1e-6); // torch's clip_grad_norm_ adds 1e-6 to the norm

  const scaled = groups.map((group) =>
    g.add('Mul', [
      concat(
        g,
        group.map((t) => optimizerNames(t.name).grad),
      ),
      'opt.grad_scale',
    ]),
  );
  const squares = scaled.map((s) => g.add('ReduceSumSquare', [s], { keepdims: int(0) }));
  const sumOfSquares = squares.length === 1 ? squares[0]! : g.add('Sum', squares);
  g.addNode('Sqrt', [sumOfSquares], { outputs: [GRAD_NORM_OUTPUT] });
  const clip = g.add('Min', [
    one,
    g.add('Div', ['opt.max_grad_norm', g.add('Add', [GRAD_NORM_OUTPUT, tiny])]),
  ]);
  const finite = g.add('Equal', [g.add('Sub', [GRAD_NORM_OUTPUT, GRAD_NORM_OUTPUT]), zero]);
  groups.forEach((group, i) => updateGroup(g, group, i, { scaled: scaled[i]!, clip, finite }));

  for (const t of tensors)
    g.addOutput(optimizerNames(t.name).newParam, DataType.FLOAT, [t.dims.reduce((a, b) => a * b, 1)]);
  groups.forEach((group, i) => {
    const { length } = flatLayout(group);
    g.addOutput(momentNames(i).newExpAvg, DataType.FLOAT, [length]);
    g.addOutput(momentNames(i).newExpAvgSq, DataType.FLOAT, [length]);
  });
  g.addOutput(GRAD_NORM_OUTPUT, DataType.FLOAT, []);
  return model;
}

/** One group's RAdam/AdamW update over its flat buffers (the step's scalars are the graph's inputs). */
function updateGroup(
  g: Graph,
  group: readonly TrainableTensor[],
  index: number,
  shared: { readonly scaled: string; readonly clip: string; readonly finite: string },
): void {
  const moments = momentNames(index);
  const param = concat(
    g,
    group.map((t) => optimizerNames(t.name).param),
  );
  const grad = g.add('Add', [g.add('Mul', [shared.scaled, shared.clip]), g.add('Mul', [param, 'opt.l2'])]);
  const expAvg = g.add('Add', [
    g.add('Mul', [moments.expAvg, 'opt.beta1']),
    g.add('Mul', [grad, 'opt.one_minus_beta1']),
  ]);
  const expAvgSq = g.add('Add', [
    g.add('Mul', [moments.expAvgSq, 'opt.beta2']),
    g.add('Mul', [g.add('Mul', [grad, grad]), 'opt.one_minus_beta2']),
  ]);
  const denom = g.add('Add', [g.add('Mul', [g.add('Sqrt', [expAvgSq]), 'opt.denom_scale']), 'opt.eps']);
  const update = g.add('Mul', [g.add('Div', [expAvg, denom]), 'opt.step_size']);
  const updated = g.add('Sub', [g.add('Mul', [param, 'opt.decay']), update]);
  splitFlat(g, g.add('Where', [shared.finite, updated, param]), group);
  g.addNode('Where', [shared.finite, expAvg, moments.expAvg], { outputs: [moments.newExpAvg] });
  g.addNode('Where', [shared.finite, expAvgSq, moments.expAvgSq], { outputs: [moments.newExpAvgSq] });
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
