/**
 * A preference scorer for the rounds' charts, CLIPScore or PickScore: a CLIP-style model through transformers.js
 * (metrics/clip-transformers.ts), loaded on the person's request (an optional download; its size is shown first
 * by the settings), on the page with WASM so that it never competes with the student worker for the GPU
 * device. Which metric, hence which formula, is this scorer's (metrics/preference-scorers.ts), never guessed
 * from the model id: a PickScore model is never charted as CLIPScore.
 */
import type { ImageTextMetric } from '../../lib/score/clip-models';
import { scoreCaptions } from '../../lib/score/clip-scorer';
import type { ClipPixels, TransformersClip } from '../../lib/score/clip-transformers';
import { planScorer, type ScorerPlan } from '../../lib/score/preference-scorers';

export class PagePreferenceScorer {
  #model: TransformersClip | null = null;
  #plan: ScorerPlan | null = null;

  constructor(readonly metric: ImageTextMetric) {}

  get loaded(): boolean {
    return this.#model !== null;
  }

  /** Throws ScorerModelError before downloading anything when the id does not fit this metric. */
  async load(modelId: string, origin: string): Promise<void> {
    const plan = planScorer(this.metric, modelId, 'fp32');
    const [{ env }, { loadTransformersClip }] = await Promise.all([
      import('@huggingface/transformers'),
      import('../../lib/score/clip-transformers'),
    ]);
    env.allowLocalModels = true; // false by default in browsers (docs/architecture.md decision 6)
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
    this.#plan = null;
    await previous?.dispose();
    this.#model = await loadTransformersClip(plan.modelId, { device: 'wasm', dtype: 'fp32' });
    this.#plan = plan;
  }

  /** One score per item, or undefined when no model is loaded. */
  async scores(
    items: readonly { imageId: string; caption: string }[],
    pixels: (ids: string[]) => Promise<Map<string, ClipPixels>>,
  ): Promise<number[] | undefined> {
    const model = this.#model;
    const plan = this.#plan;
    if (model === null || plan === null || items.length === 0) return undefined;
    const images = await pixels([...new Set(items.map((i) => i.imageId))]);
    const scored = await scoreCaptions(
      model,
      items.map((i) => ({ image: images.get(i.imageId)!, captions: [i.caption] })),
      plan.formula,
    );
    return scored.map((row) => row[0]!.score);
  }
}
