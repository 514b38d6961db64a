/**
 * The preference loss (DPO, Rafailov et al. 2023) appended to the decoder's logits, for issue 13's arm (f):
 * pairs of captions of one image, the chosen one (the critic's backed rewrite) and the rejected one (the
 * student's own caption), against a reference model's log-probabilities of the same captions.
 *
 *   logp[b]  = −Σ_t m[b,t] · ce[b,t]                          (loss.ts's ce: the caption's log-probability)
 *   h[p]     = (logp[c_p] − ref[c_p]) − (logp[r_p] − ref[r_p])
 *   dpo      = Σ_p w[p] · softplus(−β · h[p]) / Σ_p w[p]       (softplus(−x) = −log σ(x))
 *   loss     = dpo + α · Σ_p w[p] · (−logp[c_p]) / Σ_p w[p] · len[c_p]
 *
 * The second term (α > 0) is the chosen captions' token cross-entropy, as RPO (Pang et al. 2024) adds it: DPO
 * alone may lower both captions' likelihood, and on the proving ground it shortened captions (object recall
 * fell with the hallucinations).
 * The batch holds the P chosen captions in rows 0..P−1 and their rejected partners in rows P..2P−1, so that
 * the pairing is two static slices. w is the chosen rows' sample weight (0 for filler pairs, which have no
 * tokens either). `sequence_logp` (logp for every row) is an output too: run once before the first step, it
 * gives the reference log-probabilities (the reference model is the student the run starts from).
 * softplus(z) is written max(z, 0) + log(1 + exp(−|z|)): exp never overflows whatever the margin.
 */
import type { OnnxModel } from '../../onnx/graph/model';
import { int } from '../../onnx/graph/attributes';
import { DataType, float32Tensor, int64Tensor } from '../../onnx/proto/tensor';
import { LOSS_NAMES, LossGraphError, appendTokenCrossEntropy } from './loss';

export const PREFERENCE_NAMES = {
  reference: 'reference_logp',
  sequenceLogp: 'sequence_logp',
} as const;

/** The usual DPO temperature: how far from the reference the policy may move before the loss saturates. */
export const DEFAULT_PREFERENCE_BETA = 0.1;

export interface PreferenceLossOptions {
  /** DPO's temperature β. */
  readonly beta: number;
  /** α, the weight of the chosen captions' cross-entropy added to DPO (0: DPO alone). */
  readonly chosenWeight: number;
}

/**
 * Adds inputs labels, label_mask, sample_weights (as the token loss) and reference_logp float [2·pairs], the
 * scalar output `loss` and the output `sequence_logp` [2·pairs]. The logits stop being an output.
 */
export function appendPreferenceLoss(
  model: OnnxModel,
  pairs: number,
  { beta, chosenWeight }: PreferenceLossOptions,
  logits = 'logits',
): string {
  if (!Number.isInteger(pairs) || pairs < 1)
    throw new LossGraphError(`a preference batch holds at least one pair, got ${pairs}`);
  if (!(beta > 0) || !Number.isFinite(beta))
    throw new LossGraphError(`the preference temperature β must be a positive number, got ${beta}`);
  if (!(chosenWeight >= 0) || !Number.isFinite(chosenWeight))
    throw new LossGraphError(`the chosen captions' weight α must be 0 or more, got ${chosenWeight}`);
  const g = model.graph;
  const { tokenLoss, mask, axesFor } = appendTokenCrossEntropy(model, logits);
  g.addInput(LOSS_NAMES.weights, DataType.FLOAT, ['batch_size']);
  g.addInput(PREFERENCE_NAMES.reference, DataType.FLOAT, ['batch_size']);
  const scalar = (name: string, value: number): string =>
    g.addConstant(name, float32Tensor(name, [], [value]));
  const slice = (x: string, from: number, to: number): string =>
    g.add('Slice', [
      x,
      g.addConstant('pair_start', int64Tensor('pair_start', [1], [from])),
      g.addConstant('pair_end', int64Tensor('pair_end', [1], [to])),
      axesFor([0]),
    ]);

  const masked = g.add('Mul', [tokenLoss, mask]);
  const nll = g.add('ReduceSum', [masked, axesFor([1, 2])], { keepdims: int(0) });
  g.addNode('Neg', [nll], { outputs: [PREFERENCE_NAMES.sequenceLogp] });
  const delta = g.add('Sub', [PREFERENCE_NAMES.sequenceLogp, PREFERENCE_NAMES.reference]);
  const margin = g.add('Sub', [slice(delta, 0, pairs), slice(delta, pairs, 2 * pairs)]);
  const z = g.add('Mul', [margin, scalar('neg_beta', -beta)]);
  const expPart = g.add('Exp', [g.add('Neg', [g.add('Abs', [z])])]);
  const softplus = g.add('Add', [
    g.add('Max', [z, scalar('zero', 0)]),
    g.add('Log', [g.add('Add', [expPart, scalar('one', 1)])]),
  ]);
  const pairWeights = slice(LOSS_NAMES.weights, 0, pairs);
  const sum = (x: string): string => g.add('ReduceSum', [x], { keepdims: int(0) });
  const dpo = g.add('Div', [sum(g.add('Mul', [softplus, pairWeights])), sum(pairWeights)]);
  if (chosenWeight === 0) {
    g.addNode('Identity', [dpo], { outputs: [LOSS_NAMES.loss] });
  } else {
    const chosenTokens = g.add('ReduceSum', [slice(LOSS_NAMES.mask, 0, pairs), axesFor([1])], {
      keepdims: int(0),
    });
    const chosenNll = sum(g.add('Mul', [slice(nll, 0, pairs), pairWeights]));
    const chosenCe = g.add('Div', [chosenNll, sum(g.add('Mul', [chosenTokens, pairWeights]))]);
    const term = g.add('Mul', [chosenCe, scalar('chosen_weight', chosenWeight)]);
    g.addNode('Add', [dpo, term], { outputs: [LOSS_NAMES.loss] });
  }
  g.removeOutput(logits);
  g.addOutput(LOSS_NAMES.loss, DataType.FLOAT, []);
  g.addOutput(PREFERENCE_NAMES.sequenceLogp, DataType.FLOAT, ['batch_size']);
  return LOSS_NAMES.loss;
}
