/**
 * The token cross-entropy appended to the decoder's logits, from ops the WebGPU EP runs (docs/architecture.md
 * decision 7: no LogSoftmax, OneHot, SoftmaxCrossEntropyLoss or NegativeLogLikelihoodLoss there).
 *
 *   ce[b,t]  = logsumexp(z[b,t,:]) - z[b,t,y[b,t]]
 *   loss     = Σ w[b] · m[b,t] · ce[b,t] / Σ m[b,t]
 *
 * m is the padding mask (1 real, 0 padding), w the per-sample weights (all 1: the mean over real tokens).
 * A shift s is subtracted first: the WebGPU EP's ReduceLogSumExp does not subtract the maximum itself and
 * overflows to Infinity for logits above ~88 (measured in onnxruntime-node 1.30: logsumexp([200, 199, 150]) is
 * Infinity on WebGPU). ce uses the shifted logits on both sides, so any s cancels exactly; s = floor(row max)
 * keeps every exp() argument below 1. Floor is where the autodiff stops (no gradient through
 * it), so s acts as a stop-gradient: the backward pass is exactly softmax − one-hot, with no rule for ReduceMax
 * needed and no gradient noise routed to the argmax.
 */
import type { OnnxModel } from '../../onnx/graph/model';
import { int, ints } from '../../onnx/graph/attributes';
import { DataType, int64Tensor } from '../../onnx/proto/tensor';

export const LOSS_NAMES = {
  labels: 'labels',
  mask: 'label_mask',
  weights: 'sample_weights',
  loss: 'loss',
} as const;

/** The model has no such logits output, or an opset this builder does not know. */
export class LossGraphError extends Error {
  override readonly name = 'LossGraphError';
}

/** The token cross-entropy's parts: ce[b,t,1] and the padding mask m[b,t,1], plus an axes-constant maker. */
export interface TokenCrossEntropy {
  readonly tokenLoss: string;
  readonly mask: string;
  readonly axesFor: (axes: number[]) => string;
}

/**
 * Adds the inputs labels int64 [batch, seq, 1] and label_mask float [batch, seq], and the nodes of ce[b,t]
 * (above) on `logits`; the token loss and the sequence (preference-loss.ts) reduce it their own ways.
 * The labels come with the trailing 1 that GatherElements wants: an Unsqueeze of an int64 graph input is
 * the kind of node ORT moves to the CPU EP in a WebGPU session (measured: the only node off the GPU).
 */
export function appendTokenCrossEntropy(model: OnnxModel, logits: string): TokenCrossEntropy {
  const g = model.graph;
  if (!g.outputs.some((o) => o.name === logits))
    throw new LossGraphError(`the model has no output '${logits}'`);
  const opset = model.requireOpset('');
  if (opset < 13) throw new LossGraphError(`opset ${opset} is older than 13 (axes as inputs), not supported`);
  const axesFor = (axes: number[]): string =>
    g.addConstant('loss_axes', int64Tensor('loss_axes', [axes.length], axes));
  // ReduceMax and ReduceLogSumExp take axes as an input from opset 18, as an attribute before.
  const reduceLast = (op: string, x: string): string =>
    opset >= 18
      ? g.add(op, [x, axesFor([-1])], { keepdims: int(1) })
      : g.add(op, [x], { axes: ints([-1]), keepdims: int(1) });

  g.addInput(LOSS_NAMES.labels, DataType.INT64, ['batch_size', 'sequence_length', 1]);
  g.addInput(LOSS_NAMES.mask, DataType.FLOAT, ['batch_size', 'sequence_length']);

  const shift = g.add('Floor', [reduceLast('ReduceMax', logits)]);
  const shifted = g.add('Sub', [logits, shift]);
  const logSumExp = reduceLast('ReduceLogSumExp', shifted);
  const picked = g.add('GatherElements', [shifted, LOSS_NAMES.labels], { axis: int(2) });
  const tokenLoss = g.add('Sub', [logSumExp, picked]);
  const mask = g.add('Unsqueeze', [LOSS_NAMES.mask, axesFor([2])]);
  return { tokenLoss, mask, axesFor };
}

/**
 * Adds inputs labels int64 [batch, seq, 1], label_mask float [batch, seq], sample_weights float [batch] and
 * the scalar output `loss` to `model` (in place). The logits stay an output unless `keepLogits` is false.
 */
export function appendTokenLoss(model: OnnxModel, logits = 'logits', keepLogits = false): string {
  const g = model.graph;
  const { tokenLoss, mask, axesFor } = appendTokenCrossEntropy(model, logits);
  g.addInput(LOSS_NAMES.weights, DataType.FLOAT, ['batch_size']);
  const weights = g.add('Unsqueeze', [LOSS_NAMES.weights, axesFor([1, 2])]);
  const scale = g.add('Mul', [mask, weights]);
  const weighted = g.add('Mul', [tokenLoss, scale]);
  const total = g.add('ReduceSum', [weighted], { keepdims: int(0) });
  const realTokens = g.add('ReduceSum', [LOSS_NAMES.mask], { keepdims: int(0) });
  g.addNode('Div', [total, realTokens], { outputs: [LOSS_NAMES.loss] });
  if (!keepLogits) g.removeOutput(logits);
  g.addOutput(LOSS_NAMES.loss, DataType.FLOAT, []);
  return LOSS_NAMES.loss;
}
