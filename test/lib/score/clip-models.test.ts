import { describe, expect, it } from 'vitest';
import {
  CLIP_MODELS,
  DEFAULT_CLIP_MODEL,
  UnknownClipModelError,
  describeDownload,
  downloadBytes,
  formatBytes,
  resolveClipModel,
} from '../../../src/lib/score/clip-models';

describe('CLIP model table', () => {
  it('defaults to CLIP ViT-B/32 with the CLIPScore formula', () => {
    const spec = resolveClipModel(DEFAULT_CLIP_MODEL);
    expect(spec.id).toBe('Xenova/clip-vit-base-patch32');
    expect(spec.formula).toEqual({ metric: 'clipscore', textPrefix: 'A photo depicts ', weight: 2.5 });
    expect(describeDownload(spec, 'fp32')).toBe(
      'about 608 MB (onnx/text_model.onnx 254 MB, onnx/vision_model.onnx 352 MB, tokenizer.json 2.2 MB)',
    );
    expect(describeDownload(spec, 'q8')).toBe(
      'about 155 MB (onnx/text_model_quantized.onnx 64.5 MB, onnx/vision_model_quantized.onnx 88.5 MB, tokenizer.json 2.2 MB)',
    );
  });

  it('shows PickScore_v1 as the ~4 GB CLIP-H it is, with its own formula', () => {
    const spec = resolveClipModel('yuvalkirstain/PickScore_v1');
    expect(spec.formula).toEqual({ metric: 'pickscore', textPrefix: '', logitScale: 100 });
    expect(downloadBytes(spec, 'fp32')).toBeGreaterThan(3.9e9);
    expect(describeDownload(spec, 'fp32')).toMatch(/^about 4\.0 GB \(/);
    expect(spec.onnxOnHub).toBe(false);
  });

  it('fails loudly with the valid choices', () => {
    expect(() => resolveClipModel('openai/clip-vit-large')).toThrow(UnknownClipModelError);
    expect(() => resolveClipModel('openai/clip-vit-large')).toThrow(Object.keys(CLIP_MODELS).join(', '));
    expect(() => describeDownload(resolveClipModel('yuvalkirstain/PickScore_v1'), 'q8')).toThrow(
      /choose one of fp32, fp16/,
    );
  });

  it('formats sizes in the hub’s decimal units', () => {
    expect([
      formatBytes(999),
      formatBytes(2_200_000),
      formatBytes(352_000_000),
      formatBytes(3_950_000_000),
    ]).toEqual(['1 kB', '2.2 MB', '352 MB', '4.0 GB']);
  });
});
