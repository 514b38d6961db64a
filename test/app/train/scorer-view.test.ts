import { describe, expect, it } from 'vitest';
import { SCORER_TEST_IDS, scorerRowView } from '../../../src/app/train/scorer-view';
import type { ClipState } from '../../../src/state/slices/train';

const NONE: ClipState = { status: 'none', modelId: null };

describe('a preference scorer row', () => {
  it('shows CLIP ViT-B/32’s download size on the button before anything is fetched', () => {
    const v = scorerRowView('clipscore', 'Xenova/clip-vit-base-patch32', NONE);
    expect(v).toMatchObject({
      title: 'CLIPScore',
      sizeKnown: true,
      canLoad: true,
      button: 'Load CLIPScore model (about 608 MB)',
      formula: '2.5 · max(cos, 0), text “A photo depicts …”',
      status: '',
    });
    expect(v.download).toMatch(/^Download: about 608 MB \(onnx\/text_model\.onnx 254 MB/);
  });

  it('shows PickScore_v1 as the ~4 GB CLIP-H it is, with what it needs', () => {
    const v = scorerRowView('pickscore', 'yuvalkirstain/PickScore_v1', NONE);
    expect(v.button).toBe('Load PickScore model (about 4.0 GB)');
    expect(v.formula).toBe('100 · cos');
    expect(v.note).toMatch(/converted ONNX folder/);
  });

  it('says the size is unknown for a model outside the table', () => {
    const v = scorerRowView('clipscore', 'tiny-random/clip', NONE);
    expect(v).toMatchObject({ sizeKnown: false, canLoad: true, note: null });
    expect(v.button).toBe('Load CLIPScore model (size unknown)');
    expect(v.download).toMatch(/^Download size unknown: tiny-random\/clip/);
  });

  it('will not load a PickScore model as CLIPScore, and says why', () => {
    const v = scorerRowView('clipscore', 'yuvalkirstain/PickScore_v1', NONE);
    expect(v).toMatchObject({ canLoad: false, formula: null, sizeKnown: false });
    expect(v.download).toBe(
      'yuvalkirstain/PickScore_v1 computes PickScore, not CLIPScore; load it as PickScore.',
    );
  });

  it('reports loading, loaded and failed', () => {
    const id = 'tiny-random/clip';
    const loading = scorerRowView('pickscore', id, { status: 'loading', modelId: id });
    expect([loading.canLoad, loading.button, loading.status]).toEqual([false, 'Loading…', `Loading ${id}…`]);
    expect(scorerRowView('pickscore', id, { status: 'ready', modelId: id }).status).toBe(
      `${id} loaded: PickScore is scored from now on`,
    );
    const failed = scorerRowView('pickscore', id, {
      status: 'error',
      modelId: id,
      error: { name: 'Error', message: 'Could not locate file' },
    });
    expect([failed.canLoad, failed.status]).toEqual([true, 'Error: Could not locate file']);
  });

  it('keeps the CLIP row’s test ids (clip-model, clip-load, clip-status) and gives PickScore its own', () => {
    expect(SCORER_TEST_IDS).toEqual({ clipscore: 'clip', pickscore: 'pickscore' });
  });
});
