import type { SpecialTokens } from './decode-setup';
import type { DecoderSpec } from './decoder-io';
import type { RowGather } from './row-gather';
import type { SessionLike, TensorFactory } from './session';
import type { EncodedImage, PixelImage } from './types';

/** One image's `pixel_values`, [3, height, width], as the model's image processor makes it. */
export interface PixelValues {
  data: Float32Array;
  dims: readonly [number, number, number];
}

/**
 * A loaded student, whatever loaded it (the worker with onnxruntime-web, tests with onnxruntime-node).
 * Sessions belong to whoever created them; the captioner only runs them.
 */
export interface StudentModel {
  encoder: SessionLike;
  decoder: SessionLike;
  /** Present when the decoder was split (cross-attention-split.ts): computes spec.lifted once per batch. */
  cross?: SessionLike;
  spec: DecoderSpec;
  tensors: TensorFactory;
  gather: RowGather;
  special: SpecialTokens;
  /** The image processor (resize, rescale, normalize) for one image. */
  preprocess(image: PixelImage): Promise<PixelValues>;
  /** Caption text of generated tokens (special tokens skipped, trimmed, as transformers.js's pipeline). */
  decodeText(tokens: readonly number[]): string;
}

/** Platform decoding of file bytes into pixels (createImageBitmap in a worker, sharp in Node). */
export type ImageDecoder = (image: EncodedImage) => Promise<PixelImage>;
