/**
 * Finding weights by their place in the graph: the exporters' names are the answer key here (the code never
 * reads them), across three exports: opset 14 with decomposed layer norms, opset 17 with Identity-shared
 * initializers, and the tiny student (opset 18, `decoder.` prefixes, NaN guards after the softmax).
 */
import { describe, expect, it } from 'vitest';
import { OnnxModel } from '../../../../src/lib/onnx/graph/model';
import { untieInitializerAliases } from '../../../../src/lib/train/graph/prepare';
import {
  resolveTrainables,
  trainablePreset,
  TrainableSelectionError,
  TRAINABLE_PRESETS,
} from '../../../../src/lib/train/graph/selection';
import { analyzeDecoder, type DecoderStructure } from '../../../../src/lib/train/graph/structure';
import { GradFixture } from './helpers/grad-fixtures';
import { studentFile } from './helpers/student';

const MODELS: Record<string, { bytes: Uint8Array; blocks: number }> = {
  'gpt2-a': { bytes: new GradFixture('gpt2-a').modelBytes, blocks: 2 },
  'gpt2-b': { bytes: new GradFixture('gpt2-b').modelBytes, blocks: 3 },
  student: { bytes: studentFile('decoder_model.onnx'), blocks: 2 },
};

function analyze(bytes: Uint8Array): DecoderStructure {
  const model = OnnxModel.decode(bytes);
  model.graph.outputs = model.graph.outputs.filter((o) => o.name === 'logits');
  model.graph.prune();
  untieInitializerAliases(model.graph);
  return analyzeDecoder(model.graph);
}

/** What the torch module path says a projection is: ('self-attn' | 'cross-attn' | 'mlp', block). */
function fromName(weight: string): [string, number] | undefined {
  const m = /h\.(\d+)\.(attn|crossattention|mlp)\./.exec(weight);
  if (!m) return undefined;
  return [{ attn: 'self-attn', crossattention: 'cross-attn', mlp: 'mlp' }[m[2]!]!, Number(m[1])];
}

describe.each(Object.keys(MODELS))('decoder structure of %s', (name) => {
  const { bytes, blocks } = MODELS[name]!;
  const structure = analyze(bytes);

  it('finds every projection with its role, block and bias', () => {
    expect(structure.blockCount).toBe(blocks);
    // Per block: fused QKV + output (self), Q + fused KV + output (cross), MLP in + out; and the head.
    expect(structure.projections).toHaveLength(7 * blocks + 1);
    for (const p of structure.projections) {
      if (p.role === 'head') {
        expect(p.block).toBeNull();
        expect(p.outFeatures).toBeGreaterThan(p.inFeatures);
        continue;
      }
      expect([p.role, p.block], p.weight).toEqual(fromName(p.weight));
      expect(p.bias, p.weight).toBe(p.weight.replace(/weight$/, 'bias'));
    }
  });

  it('finds every layer norm with the block and kind of projection it feeds', () => {
    expect(structure.layerNorms).toHaveLength(3 * blocks + 1);
    for (const ln of structure.layerNorms) {
      const m = /h\.(\d+)\.(ln_1|ln_cross_attn|ln_2)\./.exec(ln.scale);
      if (!m) {
        expect(ln.scale).toMatch(/ln_f\.weight$/);
        expect(ln).toMatchObject({ block: 'head', feeds: 'head' });
        continue;
      }
      const feeds = { ln_1: 'self-attn', ln_cross_attn: 'cross-attn', ln_2: 'mlp' }[m[2]!];
      expect(ln, ln.scale).toMatchObject({
        block: Number(m[1]),
        feeds,
        bias: ln.scale.replace(/weight$/, 'bias'),
      });
    }
  });

  it('finds the token and position embeddings', () => {
    expect(structure.embeddings.map((e) => e.replace(/^.*transformer\./, '')).sort()).toEqual([
      'wpe.weight',
      'wte.weight',
    ]);
  });

  it('resolves the presets to the weights they name', () => {
    const last2 = resolveTrainables(structure, trainablePreset('last-2-blocks'));
    const expectedLast2 = structure.allWeights.filter((w) => {
      const block = /h\.(\d+)\./.exec(w);
      return block ? Number(block[1]) >= blocks - 2 : /ln_f\./.test(w);
    });
    expect([...last2.weights].sort()).toEqual(expectedLast2.sort());

    const cross = resolveTrainables(structure, trainablePreset('cross-attention'));
    expect(cross.weights.every((w) => /crossattention\.|ln_cross_attn\./.test(w))).toBe(true);
    expect(cross.weights).toHaveLength(blocks * 8);

    const norms = resolveTrainables(structure, trainablePreset('layer-norms'));
    expect(norms.weights.every((w) => /\.ln_(1|2|cross_attn|f)\./.test(w))).toBe(true);
    expect(norms.weights).toHaveLength(2 * (3 * blocks + 1));

    const lora = resolveTrainables(structure, trainablePreset('lora-r8-attention'));
    expect(lora.weights).toEqual([]);
    expect(lora.loraTargets.map((p) => p.role).sort()).toEqual(
      [...Array(3 * blocks).fill('cross-attn'), ...Array(2 * blocks).fill('self-attn')].sort(),
    );

    const full = resolveTrainables(structure, trainablePreset('full-decoder'));
    expect(full.weights).toHaveLength(structure.allWeights.length);
  });
});

describe('trainable selection', () => {
  const structure = analyze(MODELS['gpt2-a']!.bytes);

  it('rejects a block count the decoder does not have, and names the valid range', () => {
    expect(() => resolveTrainables(structure, { kind: 'subset', lastBlocks: 3 })).toThrow(/1\.\.2/);
    expect(() => resolveTrainables(structure, { kind: 'subset' })).toThrow(TrainableSelectionError);
  });

  it('rejects an unknown preset, listing the known ones', () => {
    expect(() => trainablePreset('everything')).toThrow(Object.keys(TRAINABLE_PRESETS).join(', '));
  });

  it('keeps presets JSON-able', () => {
    expect(JSON.parse(JSON.stringify(TRAINABLE_PRESETS))).toEqual(TRAINABLE_PRESETS);
  });
});
