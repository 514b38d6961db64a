/**
 * A ClipEmbedder over transformers.js: CLIPTextModelWithProjection (onnx/text_model) and
 * CLIPVisionModelWithProjection (onnx/vision_model) with the model's own tokenizer and image processor, as
 * transformers.js documents for Xenova/clip-vit-base-patch32. Where the files come from (the app's
 * public/models, the hub, the browser cache) is transformers.js's `env`, set by the caller once.
 */
import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  RawImage,
  Tensor,
} from '@huggingface/transformers';
import type { ClipDtype } from './clip-models';
import { EmbedderOutputError, type ClipEmbedder } from './clip-scorer';

/** Decoded pixels, row-major, 8 bits per channel (RGBA when channels is 4, the default). */
export interface ClipPixels {
  readonly width: number;
  readonly height: number;
  readonly channels?: 1 | 3 | 4;
  readonly data: Uint8Array | Uint8ClampedArray;
}

export interface TransformersClipOptions {
  readonly device?: 'webgpu' | 'wasm' | 'cpu';
  readonly dtype?: ClipDtype;
  /** transformers.js's download progress events, as they come. */
  readonly progress?: (event: unknown) => void;
}

export interface TransformersClip extends ClipEmbedder<ClipPixels> {
  dispose(): Promise<void>;
}

/** Rows of a [n, d] float32 tensor, copied out so the tensor can be released. */
function rows(tensor: unknown, n: number, what: string): Float32Array[] {
  if (!(tensor instanceof Tensor) || !(tensor.data instanceof Float32Array) || tensor.dims.length !== 2) {
    throw new EmbedderOutputError(`The ${what} model gave no float32 [n, d] embeddings.`);
  }
  const [count, width] = tensor.dims as [number, number];
  if (count !== n)
    throw new EmbedderOutputError(`The ${what} model gave ${count} embeddings for ${n} inputs.`);
  const data = tensor.data;
  return Array.from({ length: count }, (_, i) => data.slice(i * width, (i + 1) * width));
}

export async function loadTransformersClip(
  modelId: string,
  options: TransformersClipOptions = {},
): Promise<TransformersClip> {
  const shared = {
    ...(options.device ? { device: options.device } : {}),
    ...(options.dtype ? { dtype: options.dtype } : {}),
    ...(options.progress ? { progress_callback: options.progress } : {}),
  };
  const hub = options.progress ? { progress_callback: options.progress } : {};
  const [tokenizer, processor] = await Promise.all([
    AutoTokenizer.from_pretrained(modelId, hub),
    AutoProcessor.from_pretrained(modelId, hub),
  ]);
  // One session at a time: two WebGPU sessions created at once throw (docs/architecture.md decision 6).
  const textModel = await CLIPTextModelWithProjection.from_pretrained(modelId, shared);
  const visionModel = await CLIPVisionModelWithProjection.from_pretrained(modelId, shared);
  return {
    modelId,
    async embedTexts(texts) {
      if (texts.length === 0) return [];
      const inputs = tokenizer([...texts], { padding: true, truncation: true });
      const { text_embeds } = (await textModel(inputs)) as { text_embeds: unknown };
      return rows(text_embeds, texts.length, 'text');
    },
    async embedImages(images) {
      if (images.length === 0) return [];
      const raw = images.map((im) => new RawImage(im.data, im.width, im.height, im.channels ?? 4));
      const inputs = (await processor(raw)) as Record<string, unknown>;
      const { image_embeds } = (await visionModel(inputs)) as { image_embeds: unknown };
      return rows(image_embeds, images.length, 'image');
    },
    async dispose() {
      await Promise.all([textModel.dispose(), visionModel.dispose()]);
    },
  };
}
