/**
 * The optimizer graph as it was before it was fused (src/lib/train/graph/optimizer-graph.ts): the same update as
 * ~20 nodes per trainable tensor, each tensor's moments its own inputs and outputs. Kept as the reference the
 * fused graph is checked against (fused-optimizer.test.ts).
 */
import { int } from '../../../../../src/lib/onnx/graph/attributes';
import { OnnxModel } from '../../../../../src/lib/onnx/graph/model';
import { DataType, float32Tensor, int64Tensor } from '../../../../../src/lib/onnx/proto/tensor';
import { GRAD_NORM_OUTPUT, type TrainableTensor } from '../../../../../src/lib/train/graph/optimizer-graph';
import { STEP_SCALARS } from '../../../../../src/lib/train/graph/optimizer-config';

/** Input and output names of the optimizer graph for one trainable tensor. */
export function perTensorNames(name: string) {
  return {
    param: name,
    grad: `${name}.grad`,
    expAvg: `${name}.exp_avg`,
    expAvgSq: `${name}.exp_avg_sq`,
    newParam: `${name}.updated`,
    newExpAvg: `${name}.exp_avg.updated`,
    newExpAvgSq: `${name}.exp_avg_sq.updated`,
  };
}

/** Opset 17 everywhere: every op here has had its current form since 13 or earlier. */
const OPSET = 17;

export function buildPerTensorOptimizerGraph(tensors: readonly TrainableTensor[]): OnnxModel {
  const model = new OnnxModel({
    irVersion: 8,
    producerName: 'capgrad-studio',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: { name: 'optimizer' },
  });
  const g = model.graph;
  for (const scalar of STEP_SCALARS) g.addInput(scalar, DataType.FLOAT, []);
  const scalar = (base: string, value: number): string =>
    g.addConstant(base, float32Tensor(base, [], [value]));
  const one = scalar('one', 1);
  const zero = scalar('zero', 0);
  const tiny = scalar('clip_epsilon', 1e-6); // torch's clip_grad_norm_ adds 1e-6 to the norm
  const flat = g.addConstant('flat_shape', int64Tensor('flat_shape', [1], [-1]));

  const scaled = tensors.map((t) => {
    const n = perTensorNames(t.name);
    g.addInput(n.param, DataType.FLOAT, t.dims);
    g.addInput(n.grad, DataType.FLOAT, t.dims);
    g.addInput(n.expAvg, DataType.FLOAT, t.dims);
    g.addInput(n.expAvgSq, DataType.FLOAT, t.dims);
    return g.add('Mul', [n.grad, 'opt.grad_scale']);
  });
  const squares = scaled.map((s) =>
    g.add('ReduceSum', [g.add('Reshape', [g.add('Mul', [s, s]), flat])], { keepdims: int(1) }),
  );
  const sumOfSquares = g.add('ReduceSum', [g.add('Concat', squares, { axis: int(0) })], { keepdims: int(0) });
  g.addNode('Sqrt', [sumOfSquares], { outputs: [GRAD_NORM_OUTPUT] });
  const clip = g.add('Min', [
    one,
    g.add('Div', ['opt.max_grad_norm', g.add('Add', [GRAD_NORM_OUTPUT, tiny])]),
  ]);
  const finite = g.add('Equal', [g.add('Sub', [GRAD_NORM_OUTPUT, GRAD_NORM_OUTPUT]), zero]);

  tensors.forEach((t, i) => {
    const n = perTensorNames(t.name);
    const grad = g.add('Add', [g.add('Mul', [scaled[i]!, clip]), g.add('Mul', [n.param, 'opt.l2'])]);
    const expAvg = g.add('Add', [
      g.add('Mul', [n.expAvg, 'opt.beta1']),
      g.add('Mul', [grad, 'opt.one_minus_beta1']),
    ]);
    const gradSq = g.add('Mul', [grad, grad]);
    const expAvgSq = g.add('Add', [
      g.add('Mul', [n.expAvgSq, 'opt.beta2']),
      g.add('Mul', [gradSq, 'opt.one_minus_beta2']),
    ]);
    const denom = g.add('Add', [g.add('Mul', [g.add('Sqrt', [expAvgSq]), 'opt.denom_scale']), 'opt.eps']);
    const update = g.add('Mul', [g.add('Div', [expAvg, denom]), 'opt.step_size']);
    const param = g.add('Sub', [g.add('Mul', [n.param, 'opt.decay']), update]);
    g.addNode('Where', [finite, param, n.param], { outputs: [n.newParam] });
    g.addNode('Where', [finite, expAvg, n.expAvg], { outputs: [n.newExpAvg] });
    g.addNode('Where', [finite, expAvgSq, n.expAvgSq], { outputs: [n.newExpAvgSq] });
    for (const out of [n.newParam, n.newExpAvg, n.newExpAvgSq]) g.addOutput(out, DataType.FLOAT, t.dims);
  });
  g.addOutput(GRAD_NORM_OUTPUT, DataType.FLOAT, []);
  return model;
}
