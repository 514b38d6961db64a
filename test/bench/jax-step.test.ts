/**
 * The jax-js peer of the train bench (bench/lib/jax-step.ts) on jax-js's wasm backend in Node, on a micro
 * GPT-2 (3 blocks of width 8, vocabulary 16): its gradient against central finite differences of its own loss,
 * the start of LoRA (B = 0, so the step-0 loss is the base model's under both presets), the loss falling over a
 * few jitted steps, and RAdam's step-dependent scalars against torch.optim.RAdam's formulas.
 *
 * That it computes the script's step at the tiny size was checked once by hand (not a test: it needs torch):
 * tools/bench_train_torch.py's Decoder loaded with public/models/tiny-random/vit-gpt2's decoder initializers, on
 * bench/lib/train-batch.ts's batch, gives losses 6.5899596, 6.5898871, ..., 6.5895948 over six last-2-blocks
 * steps; this step gives 6.5899591, 6.5898867, ..., 6.5895934 (wasm), and our ONNX trainer 6.5899606 at step 0.
 */
import { defaultDevice, init } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createJaxTrainer,
  lossAndGradient,
  radamCoefficients,
  type DecoderConfig,
  type JaxBatch,
  type JaxPreset,
} from '../../bench/lib/jax-step';
import { weightsFromInitializers } from '../../bench/lib/jax-weights';
import { SeededRandom } from '../../src/lib/core/rng';

const CONFIG: DecoderConfig = { vocab: 16, positions: 8, width: 8, layers: 3, heads: 2 };
const SHAPES = { batch: 2, tokens: 4, encoderSequence: 3 };

/** Every initializer of a micro decoder, as the ONNX export names them, with seeded values of GPT-2's scale. */
function initializers(): Map<string, Float32Array> {
  const random = new SeededRandom(7);
  const values = (n: number, scale: number, offset = 0): Float32Array =>
    Float32Array.from({ length: n }, () => offset + random.uniform(scale));
  const d = CONFIG.width;
  const map = new Map<string, Float32Array>();
  const p = 'decoder.transformer.';
  map.set(`${p}wte.weight`, values(CONFIG.vocab * d, 0.5));
  map.set(`${p}wpe.weight`, values(CONFIG.positions * d, 0.1));
  const linear = (name: string, inputs: number, outputs: number): void => {
    map.set(`${name}.weight`, values(inputs * outputs, 0.3));
    map.set(`${name}.bias`, values(outputs, 0.1));
  };
  const norm = (name: string): void => {
    map.set(`${name}.weight`, values(d, 0.2, 1));
    map.set(`${name}.bias`, values(d, 0.1));
  };
  for (let i = 0; i < CONFIG.layers; i++) {
    const h = `${p}h.${i}.`;
    ['ln_1', 'ln_cross_attn', 'ln_2'].forEach((n) => norm(h + n));
    linear(`${h}attn.c_attn`, d, 3 * d);
    linear(`${h}attn.c_proj`, d, d);
    linear(`${h}crossattention.q_attn`, d, d);
    linear(`${h}crossattention.c_attn`, d, 2 * d);
    linear(`${h}crossattention.c_proj`, d, d);
    linear(`${h}mlp.c_fc`, d, 4 * d);
    linear(`${h}mlp.c_proj`, 4 * d, d);
  }
  norm(`${p}ln_f`);
  return map;
}

function microBatch(): JaxBatch {
  const random = new SeededRandom(3);
  const n = SHAPES.batch * SHAPES.tokens;
  const ids = (): Int32Array =>
    Int32Array.from({ length: n }, () => Math.floor(random.next() * CONFIG.vocab));
  return {
    ids: ids(),
    labels: ids(),
    encoder: Float32Array.from({ length: SHAPES.batch * SHAPES.encoderSequence * CONFIG.width }, () =>
      random.uniform(1),
    ),
  };
}

async function loss(map: Map<string, Float32Array>, preset: JaxPreset = 'last-2-blocks'): Promise<number> {
  const weights = weightsFromInitializers(CONFIG, (name) => map.get(name));
  const [value, grad] = lossAndGradient(CONFIG, SHAPES, weights, preset, microBatch());
  const [out] = await value.data();
  (await import('@jax-js/jax')).tree.dispose(grad);
  return out as number;
}

beforeAll(async () => {
  expect(await init('wasm')).toContain('wasm');
  defaultDevice('wasm');
});

describe('bench/lib/jax-step.ts: the jax-js peer of the train bench', () => {
  it('differentiates the loss: gradients match central finite differences (last-2-blocks)', async () => {
    const map = initializers();
    const weights = weightsFromInitializers(CONFIG, (name) => map.get(name));
    const [value, grad] = lossAndGradient(CONFIG, SHAPES, weights, 'last-2-blocks', microBatch());
    expect(Number((await value.data())[0])).toBeGreaterThan(0);
    if (!('blocks' in grad)) throw new Error('last-2-blocks trains blocks');
    // The last block's MLP input weight, the first trained block's cross-attention query and the final norm.
    const probes = [
      { name: 'decoder.transformer.h.2.mlp.c_fc.weight', index: 5, grad: grad.blocks[1]!.fc.w },
      {
        name: 'decoder.transformer.h.1.crossattention.q_attn.weight',
        index: 9,
        grad: grad.blocks[0]!.qCross.w,
      },
      { name: 'decoder.transformer.ln_f.weight', index: 2, grad: grad.lnF.g },
    ];
    const analytic = await Promise.all(probes.map(async (p) => (await p.grad.ref.data())[p.index] as number));
    (await import('@jax-js/jax')).tree.dispose(grad);
    const h = 1e-2;
    for (const [i, probe] of probes.entries()) {
      const at = (delta: number): Map<string, Float32Array> => {
        const copy = new Map(map);
        const data = Float32Array.from(map.get(probe.name)!);
        data[probe.index]! += delta;
        copy.set(probe.name, data);
        return copy;
      };
      const numeric = ((await loss(at(h))) - (await loss(at(-h)))) / (2 * h);
      expect(Math.abs(analytic[i]!)).toBeGreaterThan(1e-3);
      expect(analytic[i]).toBeCloseTo(numeric, 3);
    }
  });

  it('starts LoRA at B = 0 and trains: same step-0 loss under both presets, and the loss falls', async () => {
    const firsts: number[] = [];
    for (const preset of ['lora-r8', 'last-2-blocks'] as const) {
      const map = initializers();
      const trainer = createJaxTrainer(
        CONFIG,
        SHAPES,
        weightsFromInitializers(CONFIG, (name) => map.get(name)),
        preset,
        microBatch(),
      );
      const losses: number[] = [];
      for (let i = 0; i < 8; i++) losses.push(await trainer.step());
      trainer.dispose();
      firsts.push(losses[0]!);
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    }
    expect(firsts[0]).toBeCloseTo(firsts[1]!, 5);
    expect(firsts[0]).toBeCloseTo(await loss(initializers()), 5);
  });

  it("computes RAdam's step scalars as torch.optim.RAdam does (lr 5e-5, betas 0.9/0.999)", () => {
    // Steps 1-5: ρₜ ≤ 5, the update is lr · m / (1 − β1ᵗ).
    expect(radamCoefficients(1)[0]).toBe(0);
    expect(radamCoefficients(1)[1]).toBeCloseTo(5e-5 / 0.1, 15);
    expect(radamCoefficients(5)[0]).toBe(0);
    // Step 6: ρ₆ = 1999 − 12·0.999⁶/(1 − 0.999⁶) ≈ 5.994 > 5, the rectified adaptive update.
    const [a, b] = radamCoefficients(6);
    const bias2 = 1 - 0.999 ** 6;
    const rho = 1999 - (12 * 0.999 ** 6) / bias2;
    const rect = Math.sqrt(((rho - 4) * (rho - 2) * 1999) / (1995 * 1997 * rho));
    expect(b).toBe(0);
    expect(a).toBeCloseTo((5e-5 * rect * Math.sqrt(bias2)) / (1 - 0.9 ** 6), 15);
  });
});
