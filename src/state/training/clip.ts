/**
 * CLIPScore for the rounds' charts: a CLIP model through transformers.js (metrics/clip-transformers.ts),
 * loaded on the person's request (an optional download; its size is shown first by the settings), on the page
 * with WASM so that it never competes with the student worker for the GPU device. The formula is the model's
 * (CLIPScore for CLIP, logit_scale · cos for PickScore); a model not in the table is scored as CLIP.
 */
import { CLIPSCORE_PREFIX, CLIPSCORE_WEIGHT } from '../../lib/metrics/clipscore';
import { CLIP_MODELS, type ClipModelSpec, type ScoreFormula } from '../../lib/metrics/clip-models';
import { scoreCaptions } from '../../lib/metrics/clip-scorer';
import type { ClipPixels, TransformersClip } from '../../lib/metrics/clip-transformers';

const CLIP_FORMULA: ScoreFormula = {
  metric: 'clipscore',
  textPrefix: CLIPSCORE_PREFIX,
  weight: CLIPSCORE_WEIGHT,
};

export class PageClip {
  #model: TransformersClip | null = null;
  #formula: ScoreFormula = CLIP_FORMULA;

  get loaded(): boolean {
    return this.#model !== null;
  }

  async load(modelId: string, origin: string): Promise<void> {
    const [{ env }, { loadTransformersClip }] = await Promise.all([
      import('@huggingface/transformers'),
      import('../../lib/metrics/clip-transformers'),
    ]);
    env.allowLocalModels = true; // false by default in browsers (DESIGN.md decision 6)
    env.localModelPath = `${origin}/models/`;
    const wasm = env.backends.onnx.wasm;
    if (wasm) {
      wasm.wasmPaths = {
        mjs: `${origin}/ort/ort-wasm-simd-threaded.asyncify.mjs`,
        wasm: `${origin}/ort/ort-wasm-simd-threaded.asyncify.wasm`,
      };
    }
    const previous = this.#model;
    this.#model = null;
    await previous?.dispose();
    this.#model = await loadTransformersClip(modelId, { device: 'wasm', dtype: 'fp32' });
    const spec = (CLIP_MODELS as Record<string, ClipModelSpec>)[modelId];
    this.#formula = spec?.formula ?? CLIP_FORMULA;
  }

  /** One score per item, or undefined when no model is loaded. */
  async scores(
    items: readonly { imageId: string; caption: string }[],
    pixels: (ids: string[]) => Promise<Map<string, ClipPixels>>,
  ): Promise<number[] | undefined> {
    const model = this.#model;
    if (model === null || items.length === 0) return undefined;
    const images = await pixels([...new Set(items.map((i) => i.imageId))]);
    const scored = await scoreCaptions(
      model,
      items.map((i) => ({ image: images.get(i.imageId)!, captions: [i.caption] })),
      this.#formula,
    );
    return scored.map((row) => row[0]!.score);
  }
}
