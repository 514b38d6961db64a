/**
 * The train bench's step (tools/bench_train_torch.py) written in jax-js, for `npm run bench -- train --peers
 * jax-js`: GPT-2's decoder with cross-attention (learned positions; pre-norm blocks of causal self-attention,
 * cross-attention to the encoder states and a GELU-tanh MLP; final LayerNorm; head tied to the token
 * embeddings), the mean token cross-entropy, clip_grad_norm 1.0 and RAdam (lr 5e-5, torch.optim.RAdam's
 * formulas), as one jitted function. Parameters, frozen weights, moments and the batch stay on the jax-js
 * device between steps; only the loss is read back.
 *
 * Bench only: the product never imports jax-js (a devDependency).
 *
 * jax-js counts references: every function, `jit`'s too, takes ownership of the arrays passed to it, so a
 * value used twice is passed as `x.ref` first. Weights are read with `.ref` wherever they are used and the
 * trees are disposed once at the end of the loss.
 */
import { jit, nn, numpy as np, random, tree, valueAndGrad, type Array } from '@jax-js/jax';

/** GPT-2 dimensions (config.json's decoder). */
export interface DecoderConfig {
  readonly vocab: number;
  readonly positions: number;
  readonly width: number;
  readonly layers: number;
  readonly heads: number;
}

export interface StepShapes {
  readonly batch: number;
  readonly tokens: number;
  readonly encoderSequence: number;
}

/** A linear layer in GPT-2's Conv1D layout: y = x @ w + b, w [in, out]. */
export type Linear = { w: Array; b: Array };
export type Norm = { g: Array; b: Array };
export type Block = {
  ln1: Norm;
  attn: Linear;
  attnProj: Linear;
  lnCross: Norm;
  qCross: Linear;
  kvCross: Linear;
  crossProj: Linear;
  ln2: Norm;
  fc: Linear;
  fcProj: Linear;
};
export type Weights = { wte: Array; wpe: Array; blocks: Block[]; lnF: Norm };

/** The linear layers the script adapts under lora-r8 (Block's keys, in its order). */
export const LORA_TARGETS = [
  'attn',
  'attnProj',
  'qCross',
  'kvCross',
  'crossProj',
  'fc',
  'fcProj',
] as const satisfies readonly (keyof Block)[];
type LoraTarget = (typeof LORA_TARGETS)[number];
type Lora = { a: Array; b: Array };
type BlockLora = Record<LoraTarget, Lora>;

const LORA_RANK = 8;
const LORA_SCALE = 16 / LORA_RANK; // alpha / rank
const LN_EPS = 1e-5; // GPT-2's layer_norm_epsilon, nn.LayerNorm's default
const LR = 5e-5;
const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPS = 1e-8;
const MAX_NORM = 1;

export const JAX_PRESETS = ['lora-r8', 'last-2-blocks'] as const;
export type JaxPreset = (typeof JAX_PRESETS)[number];

/**
 * What the step differentiates and what it closes over. lora-r8: adapters trained, every weight frozen.
 * last-2-blocks: the last two blocks and the final norm trained, the embeddings and earlier blocks frozen.
 */
export type Trainable = { adapters: BlockLora[] } | { blocks: Block[]; lnF: Norm };
type Frozen = { weights: Weights } | { wte: Array; wpe: Array; blocks: Block[] };

function layerNorm(x: Array, p: Norm): Array {
  const centered = x.ref.sub(x.mean(-1, { keepdims: true }));
  const variance = np.square(centered.ref).mean(-1, { keepdims: true });
  return centered
    .div(np.sqrt(variance.add(LN_EPS)))
    .mul(p.g.ref)
    .add(p.b.ref);
}

/**
 * x [..., in] @ w [in, out] as one 2-D matmul over the flattened rows, so that no [batch, in, out] broadcast of
 * w (8 copies of the 154 MB head at the real size) can appear in the forward or backward pass. A precaution
 * taken while chasing the real size's "Allocation exceeds the 4 GiB memory32 limit" on wasm; the cause found
 * was nn.oneHot (see crossEntropy), so this one is not measured to be needed.
 */
function matmulRows(x: Array, w: Array): Array {
  const shape = x.shape;
  const inputs = shape.at(-1) as number;
  const outputs = w.shape[1] as number;
  return np.matmul(x.reshape([-1, inputs]), w).reshape([...shape.slice(0, -1), outputs]);
}

function linear(x: Array, p: Linear, lora: Lora | undefined): Array {
  const base = matmulRows(lora ? x.ref : x, p.w.ref).add(p.b.ref);
  if (!lora) return base;
  return base.add(matmulRows(matmulRows(x, lora.a.ref), lora.b.ref).mul(LORA_SCALE));
}

/**
 * Multi-head attention on [batch, length, width] projections, as scaled_dot_product_attention computes it.
 * Written with matmul and softmax rather than nn.dotProductAttention: that one goes through einsum, whose
 * parser needs iterator helpers (Node 22+; Node 20 throws "matchAll(...).map is not a function"), and the
 * Node test must run the same code as the page.
 */
function attention(q: Array, k: Array, v: Array, heads: number, isCausal: boolean): Array {
  const [b, t, d] = q.shape as [number, number, number];
  const head = d / heads;
  // [batch, length, width] -> [batch, heads, length, head]
  const split = (x: Array): Array =>
    x.reshape([b, x.shape[1] as number, heads, head]).transpose([0, 2, 1, 3]);
  let scores = np.matmul(split(q), split(k).transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(head));
  // Above the diagonal: -1e9, whose exp() after the max shift is exactly 0, as a -inf mask gives.
  if (isCausal) scores = scores.add(np.tri(t).sub(1).mul(1e9));
  const out = np.matmul(nn.softmax(scores, -1), split(v)); // [batch, heads, length, head]
  return out.transpose([0, 2, 1, 3]).reshape([b, t, d]);
}

function block(x: Array, encoder: Array, p: Block, lora: BlockLora | undefined, heads: number): Array {
  const [q, k, v] = np.split(linear(layerNorm(x.ref, p.ln1), p.attn, lora?.attn), 3, -1) as [
    Array,
    Array,
    Array,
  ];
  x = x.add(linear(attention(q, k, v, heads, true), p.attnProj, lora?.attnProj));
  const qc = linear(layerNorm(x.ref, p.lnCross), p.qCross, lora?.qCross);
  const [kc, vc] = np.split(linear(encoder, p.kvCross, lora?.kvCross), 2, -1) as [Array, Array];
  x = x.add(linear(attention(qc, kc, vc, heads, false), p.crossProj, lora?.crossProj));
  const hidden = nn.gelu(linear(layerNorm(x.ref, p.ln2), p.fc, lora?.fc), { approximate: true });
  return x.add(linear(hidden, p.fcProj, lora?.fcProj));
}

/** Logits [batch, tokens, vocab]; reads the weights with .ref (the caller disposes them). */
export function decoderLogits(
  w: Weights,
  adapters: BlockLora[] | undefined,
  ids: Array,
  encoder: Array,
  heads: number,
): Array {
  const tokens = ids.shape[1] as number;
  let x = np.take(w.wte.ref, ids, 0).add(w.wpe.ref.slice([0, tokens]));
  w.blocks.forEach((p, i) => (x = block(x, encoder.ref, p, adapters?.[i], heads)));
  encoder.dispose();
  return matmulRows(layerNorm(x, w.lnF), w.wte.ref.transpose());
}

/** Mean token cross-entropy over every position (the bench batch has no padding: the script's F.cross_entropy). */
function crossEntropy(logits: Array, labels: Array): Array {
  const [b, t, vocab] = logits.shape as [number, number, number];
  const flat = logits.reshape([b * t, vocab]);
  const logSumExp = nn.logsumexp(flat.ref, -1);
  // A one-hot product, not takeAlongAxis: the gradient of a gather is a scatter, which jax-js 0.1.25 cannot
  // jit ("jit: routine primitive scatter input is not imm"). The one-hot from a comparison, not nn.oneHot: that
  // one realizes a [vocab, vocab] identity as a jit constant (10 GB at 50257, past wasm's 4 GiB; measured).
  const classes = np.arange(0, vocab, 1, { dtype: np.int32 }).reshape([1, vocab]);
  const oneHot = labels
    .reshape([b * t, 1])
    .equal(classes)
    .astype(np.float32);
  const picked = flat.mul(oneHot).sum(-1);
  return logSumExp.sub(picked).mean();
}

function assemble(trainable: Trainable, frozen: Frozen): [Weights, BlockLora[] | undefined] {
  if ('adapters' in trainable && 'weights' in frozen) return [frozen.weights, trainable.adapters];
  if ('blocks' in trainable && 'wte' in frozen)
    return [
      {
        wte: frozen.wte,
        wpe: frozen.wpe,
        blocks: [...frozen.blocks, ...trainable.blocks],
        lnF: trainable.lnF,
      },
      undefined,
    ];
  throw new Error('trainable and frozen trees of different presets');
}

/** The loss as a function of the trainable tree (argument 0, the one valueAndGrad differentiates). */
function makeLoss(heads: number) {
  return (trainable: Trainable, frozen: Frozen, ids: Array, labels: Array, encoder: Array): Array => {
    const [weights, adapters] = assemble(trainable, frozen);
    const loss = crossEntropy(decoderLogits(weights, adapters, ids, encoder, heads), labels);
    tree.dispose(trainable);
    tree.dispose(frozen);
    return loss;
  };
}

/**
 * torch.optim.RAdam's step-dependent scalars (no weight decay), computed on the host so that one compiled step
 * serves every step: p -= m · (a / (√v + ε) + b), with a = lr·r·√(1−β2ᵗ)/(1−β1ᵗ) once ρₜ > 5 (the rectified,
 * adaptive update) and b = lr/(1−β1ᵗ) before (momentum only; the first 5 steps at β2 = 0.999).
 */
export function radamCoefficients(step: number): [number, number] {
  const bias1 = 1 - BETA1 ** step;
  const bias2 = 1 - BETA2 ** step;
  const rhoInf = 2 / (1 - BETA2) - 1;
  const rho = rhoInf - (2 * step * BETA2 ** step) / bias2;
  if (rho <= 5) return [0, LR / bias1];
  const rect = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
  return [(LR * rect * Math.sqrt(bias2)) / bias1, 0];
}

type State = { params: Trainable; m: Trainable; v: Trainable };

/** One step: loss and gradients, clip_grad_norm_(1.0), RAdam; returns [loss, params, m, v]. */
function makeStep(heads: number) {
  const loss = valueAndGrad(makeLoss(heads));
  return (
    state: State,
    frozen: Frozen,
    coefficients: Array,
    ids: Array,
    labels: Array,
    encoder: Array,
  ): [Array, Trainable, Trainable, Trainable] => {
    const [value, grads] = loss(tree.ref(state.params), frozen, ids, labels, encoder);
    const [params, def] = tree.flatten(state.params);
    const g = tree.leaves(grads);
    const m = tree.leaves(state.m);
    const v = tree.leaves(state.v);
    const squares = g.map((x) => np.square(x.ref).sum());
    const total = np.sqrt(squares.reduce((acc, x) => acc.add(x)));
    const clip = np.minimum(np.reciprocal(total.add(1e-6)).mul(MAX_NORM), 1);
    const a = coefficients.ref.slice(0);
    const b = coefficients.slice(1);
    const out = params.map((p, i) => {
      const gi = g[i]!.mul(clip.ref);
      const mi = m[i]!.mul(BETA1).add(gi.ref.mul(1 - BETA1));
      const vi = v[i]!.mul(BETA2).add(np.square(gi).mul(1 - BETA2));
      const update = mi.ref.mul(a.ref.div(np.sqrt(vi.ref).add(ADAM_EPS)).add(b.ref));
      return [p.sub(update), mi, vi] as const;
    });
    clip.dispose();
    a.dispose();
    b.dispose();
    const rebuild = (k: 0 | 1 | 2): Trainable =>
      tree.unflatten(
        def,
        out.map((o) => o[k]),
      ) as Trainable;
    return [value, rebuild(0), rebuild(1), rebuild(2)];
  };
}

/** The script's LoRA start: a ~ N(0, 1/in), b = 0 (so the step-0 loss is the base model's). */
function loraAdapters(weights: Weights, seed: number): BlockLora[] {
  let stream = seed * 1000;
  return weights.blocks.map((p) => {
    const entries = LORA_TARGETS.map((name) => {
      const [inputs, outputs] = p[name].w.shape as [number, number];
      const a = random.normal(random.key((stream += 1)), [inputs, LORA_RANK]).mul(1 / Math.sqrt(inputs));
      return [name, { a, b: np.zeros([LORA_RANK, outputs]) }] as const;
    });
    return Object.fromEntries(entries) as BlockLora;
  });
}

function split(weights: Weights, preset: JaxPreset): { trainable: Trainable; frozen: Frozen } {
  if (preset === 'lora-r8') return { trainable: { adapters: loraAdapters(weights, 0) }, frozen: { weights } };
  const from = weights.blocks.length - 2;
  return {
    trainable: { blocks: weights.blocks.slice(from), lnF: weights.lnF },
    frozen: { wte: weights.wte, wpe: weights.wpe, blocks: weights.blocks.slice(0, from) },
  };
}

export interface JaxBatch {
  /** Input token ids, int32 [batch × tokens]. */
  readonly ids: Int32Array;
  /** Target token ids, int32 [batch × tokens]. */
  readonly labels: Int32Array;
  /** Encoder states, float32 [batch × encoderSequence × width]. */
  readonly encoder: Float32Array;
}

/** The batch as device arrays, on the default device. */
function upload(config: DecoderConfig, shapes: StepShapes, batch: JaxBatch): Record<keyof JaxBatch, Array> {
  const { batch: b, tokens, encoderSequence } = shapes;
  return {
    ids: np.array(batch.ids, { dtype: np.int32 }).reshape([b, tokens]),
    labels: np.array(batch.labels, { dtype: np.int32 }).reshape([b, tokens]),
    encoder: np.array(batch.encoder).reshape([b, encoderSequence, config.width]),
  };
}

/**
 * The loss and its gradient with respect to the preset's trainable tree, without an update (for the test that
 * checks them against finite differences). Takes ownership of `weights`.
 */
export function lossAndGradient(
  config: DecoderConfig,
  shapes: StepShapes,
  weights: Weights,
  preset: JaxPreset,
  batch: JaxBatch,
): [Array, Trainable] {
  const { trainable, frozen } = split(weights, preset);
  const { ids, labels, encoder } = upload(config, shapes, batch);
  return valueAndGrad(makeLoss(config.heads))(trainable, frozen, ids, labels, encoder);
}

export interface JaxTrainer {
  readonly trainableParameters: number;
  /** One training step; resolves to the loss before the update (read back from the device). */
  step(): Promise<number>;
  /** The current trainable leaves, for tests (copies on the host). */
  readTrainable(): Promise<Float32Array[]>;
  dispose(): void;
}

/**
 * A trainer on the current default device (jax-js `defaultDevice`): takes ownership of `weights`; the batch is
 * uploaded once and reused every step, as the onnxruntime-web bench does.
 */
export function createJaxTrainer(
  config: DecoderConfig,
  shapes: StepShapes,
  weights: Weights,
  preset: JaxPreset,
  batch: JaxBatch,
): JaxTrainer {
  const { trainable, frozen } = split(weights, preset);
  const zeros = (): Trainable => tree.map((x: Array) => np.zerosLike(x.ref), trainable) as Trainable;
  let state: State = { params: trainable, m: zeros(), v: zeros() };
  const { ids, labels, encoder } = upload(config, shapes, batch);
  const step = jit(makeStep(config.heads));
  let count = 0;
  return {
    trainableParameters: tree.leaves(trainable).reduce((n, x) => n + x.size, 0),
    async step() {
      count += 1;
      const coefficients = np.array(new Float32Array(radamCoefficients(count)));
      const [loss, params, m, v] = step(
        state,
        tree.ref(frozen),
        coefficients,
        ids.ref,
        labels.ref,
        encoder.ref,
      );
      state = { params, m, v };
      const value = (await loss.data())[0] as number;
      return value;
    },
    async readTrainable() {
      return Promise.all(tree.leaves(state.params).map(async (x) => Float32Array.from(await x.ref.data())));
    },
    dispose() {
      tree.dispose(state);
      tree.dispose(frozen);
      ids.dispose();
      labels.dispose();
      encoder.dispose();
      step.dispose();
    },
  };
}
