/**
 * Weights for the jax-js step (jax-step.ts): read from the decoder ONNX's initializers (the tiny model, so the
 * step starts from the same weights as our trainer and its step-0 loss can be compared), or random at GPT-2's
 * initialization (the real size, whose ONNX the bench may not have: it only times the step).
 */
import { numpy as np, type Array as JaxArray } from '@jax-js/jax';
import { SeededRandom } from '../../src/lib/core/rng';
import type { Block, DecoderConfig, Linear, Norm, Weights } from './jax-step';

/** The HF GPT-2 export's initializer names (decoder_model.onnx of a VisionEncoderDecoder). */
const PREFIX = 'decoder.transformer.';
const BLOCK_NAMES: Record<keyof Block, string> = {
  ln1: 'ln_1',
  attn: 'attn.c_attn',
  attnProj: 'attn.c_proj',
  lnCross: 'ln_cross_attn',
  qCross: 'crossattention.q_attn',
  kvCross: 'crossattention.c_attn',
  crossProj: 'crossattention.c_proj',
  ln2: 'ln_2',
  fc: 'mlp.c_fc',
  fcProj: 'mlp.c_proj',
};
const NORMS = new Set<keyof Block>(['ln1', 'lnCross', 'ln2']);

/** Builds the weights tree from `read(name, shape)`, which returns the tensor's float32 values. */
function buildWeights(config: DecoderConfig, read: (name: string, shape: number[]) => JaxArray): Weights {
  const d = config.width;
  const outputs: Record<keyof Block, number> = {
    ln1: d,
    attn: 3 * d,
    attnProj: d,
    lnCross: d,
    qCross: d,
    kvCross: 2 * d,
    crossProj: d,
    ln2: d,
    fc: 4 * d,
    fcProj: d,
  };
  const inputs = (key: keyof Block): number => (key === 'fcProj' ? 4 * d : d);
  const blocks = Array.from({ length: config.layers }, (_, i) => {
    const entries = (Object.keys(BLOCK_NAMES) as (keyof Block)[]).map((key) => {
      const name = `${PREFIX}h.${i}.${BLOCK_NAMES[key]}`;
      const value: Linear | Norm = NORMS.has(key)
        ? { g: read(`${name}.weight`, [d]), b: read(`${name}.bias`, [d]) }
        : { w: read(`${name}.weight`, [inputs(key), outputs[key]]), b: read(`${name}.bias`, [outputs[key]]) };
      return [key, value] as const;
    });
    return Object.fromEntries(entries) as Block;
  });
  return {
    wte: read(`${PREFIX}wte.weight`, [config.vocab, d]),
    wpe: read(`${PREFIX}wpe.weight`, [config.positions, d]),
    blocks,
    lnF: { g: read(`${PREFIX}ln_f.weight`, [d]), b: read(`${PREFIX}ln_f.bias`, [d]) },
  };
}

/** From the ONNX initializers: `initializer(name)` is the float32 data of that name, or undefined. */
export function weightsFromInitializers(
  config: DecoderConfig,
  initializer: (name: string) => Float32Array | undefined,
): Weights {
  return buildWeights(config, (name, shape) => {
    const data = initializer(name);
    if (data === undefined) throw new Error(`the decoder has no initializer ${name}`);
    if (data.length !== shape.reduce((a, b) => a * b, 1))
      throw new Error(`${name}: ${data.length} values, expected shape [${shape.join(', ')}]`);
    return np.array(data).reshape(shape);
  });
}

/**
 * GPT-2's scale: uniform matrices of standard deviation 0.02, zero biases, unit norms (timing only: the values do
 * not matter). Drawn on the host and uploaded once: drawing them with jax-js's random.normal on the wasm backend
 * left 2.4 GB of wasm memory in use at the real size (measured in Node), which then cannot hold the step under
 * wasm32's 4 GiB ("Allocation exceeds the 4 GiB memory32 limit").
 */
export function randomWeights(config: DecoderConfig, seed: number): Weights {
  const random = new SeededRandom(seed);
  const bound = 0.02 * Math.sqrt(3);
  return buildWeights(config, (name, shape) => {
    if (name.endsWith('.bias')) return np.zeros(shape);
    if (shape.length === 1) return np.ones(shape);
    const size = shape.reduce((a, b) => a * b, 1);
    return np.array(Float32Array.from({ length: size }, () => random.uniform(bound))).reshape(shape);
  });
}
