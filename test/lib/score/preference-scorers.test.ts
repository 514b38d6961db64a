import { describe, expect, it } from 'vitest';
import { scoreCaptions, type ClipEmbedder } from '../../../src/lib/score/clip-scorer';
import {
  DEFAULT_SCORER_MODELS,
  METRIC_TITLES,
  ScorerModelError,
  describeFormula,
  metricFormula,
  planScorer,
} from '../../../src/lib/score/preference-scorers';

describe('planning a preference scorer before its download', () => {
  it('plans CLIPScore with CLIP ViT-B/32 and shows its size', () => {
    const plan = planScorer('clipscore', DEFAULT_SCORER_MODELS.clipscore);
    expect(plan.formula).toEqual({ metric: 'clipscore', textPrefix: 'A photo depicts ', weight: 2.5 });
    expect(plan.bytes).toBe(608_200_000);
    expect(plan.download).toBe(
      'Download: about 608 MB (onnx/text_model.onnx 254 MB, onnx/vision_model.onnx 352 MB, tokenizer.json 2.2 MB).',
    );
  });

  it('plans PickScore with PickScore_v1: its formula and its ~4 GB, shown first', () => {
    const plan = planScorer('pickscore', ' yuvalkirstain/PickScore_v1 ');
    expect(plan.modelId).toBe('yuvalkirstain/PickScore_v1');
    expect(plan.formula).toEqual({ metric: 'pickscore', textPrefix: '', logitScale: 100 });
    expect(plan.bytes).toBeGreaterThan(3.9e9);
    expect(plan.download).toMatch(/^Download: about 4\.0 GB \(onnx\/text_model\.onnx 1\.4 GB, /);
    expect(plan.spec?.onnxOnHub).toBe(false);
  });

  it('refuses a model of the table in the other metric’s slot, before downloading anything', () => {
    // The bug this guards: PickScore_v1 typed where CLIP goes would be charted as CLIPScore.
    expect(() => planScorer('clipscore', 'yuvalkirstain/PickScore_v1')).toThrow(ScorerModelError);
    expect(() => planScorer('clipscore', 'yuvalkirstain/PickScore_v1')).toThrow(
      'yuvalkirstain/PickScore_v1 computes PickScore, not CLIPScore; load it as PickScore.',
    );
    expect(() => planScorer('pickscore', 'Xenova/clip-vit-base-patch32')).toThrow(/computes CLIPScore/);
    expect(() => planScorer('pickscore', '  ')).toThrow('Give a model id for PickScore.');
  });

  it("scores a model outside the table with its slot's formula, and says its size is unknown", () => {
    const asClip = planScorer('clipscore', 'tiny-random/clip');
    const asPick = planScorer('pickscore', 'tiny-random/clip');
    expect(asClip.formula).toEqual(metricFormula('clipscore'));
    expect(asPick.formula).toEqual(metricFormula('pickscore'));
    expect([asClip.bytes, asPick.bytes, asClip.spec]).toEqual([null, null, null]);
    expect(asPick.download).toBe(
      "Download size unknown: tiny-random/clip is not in the studio's table of scoring models.",
    );
  });

  it('names the metrics and their formulas in words', () => {
    expect(METRIC_TITLES).toEqual({ clipscore: 'CLIPScore', pickscore: 'PickScore' });
    expect(describeFormula(metricFormula('clipscore'))).toBe('2.5 · max(cos, 0), text “A photo depicts …”');
    expect(describeFormula(metricFormula('pickscore'))).toBe('100 · cos');
  });
});

describe("each slot's formula through the shared CLIP code path", () => {
  // Image [1, 0]; the prefixed text points 45° away, the bare caption 135° away (cos −√½).
  const embedder: ClipEmbedder<number[]> = {
    modelId: 'fake',
    embedImages: async (images) => images.map((v) => Float32Array.from(v)),
    embedTexts: async (texts) =>
      texts.map((t) => Float32Array.from(t.startsWith('A photo depicts ') ? [1, 1] : [-1, 1])),
  };
  const score = async (metric: 'clipscore' | 'pickscore') => {
    const { formula } = planScorer(metric, 'custom/converted-folder');
    const [[s]] = (await scoreCaptions(embedder, [{ image: [1, 0], captions: ['a cat'] }], formula)) as [
      [{ score: number; cosine: number }],
    ];
    return s;
  };

  it('CLIPScore: 2.5 · max(cos, 0) of "A photo depicts " + caption', async () => {
    const s = await score('clipscore');
    expect(s.cosine).toBeCloseTo(Math.SQRT1_2, 6);
    expect(s.score).toBeCloseTo(2.5 * Math.SQRT1_2, 6);
  });

  it('PickScore: logit_scale · cos of the bare caption, negative values kept', async () => {
    const s = await score('pickscore');
    expect(s.cosine).toBeCloseTo(-Math.SQRT1_2, 6);
    expect(s.score).toBeCloseTo(-100 * Math.SQRT1_2, 4);
  });
});
