import * as transformers from '@huggingface/transformers';
import { ImageProcessor, PreTrainedTokenizer, RawImage } from '@huggingface/transformers';
import { describeError, ImageInputError, ModelLoadError } from '../core/errors';
import type { ModelFiles } from '../core/model-sources';
import { isPilResample, resizeLikePil, type PilResample } from './pil-resize';
import type { PixelValues } from './student-model';
import type { PixelImage } from './types';

/**
 * transformers.js's own tokenizer and image processor, built from the model's JSON files the way its
 * AutoTokenizer / AutoImageProcessor pick a class (by the name in the config), but from bytes we already
 * have: our ModelFiles decide where files come from, transformers.js never fetches.
 */
export interface TextAndImageProcessors {
  preprocess(image: PixelImage): Promise<PixelValues>;
  decodeText(tokens: readonly number[]): string;
  imageSize: { width: number; height: number };
}

/** A class exported by transformers.js under `name` that is `base` or extends it, else `base`. */
function exportedSubclass<T extends abstract new (...args: never[]) => unknown>(name: unknown, base: T): T {
  if (typeof name !== 'string') return base;
  const candidate: unknown = Reflect.get(transformers, name.replace(/Fast$/, ''));
  const fits = typeof candidate === 'function' && (candidate === base || candidate.prototype instanceof base);
  return fits ? (candidate as T) : base;
}

export async function loadProcessors(files: ModelFiles): Promise<TextAndImageProcessors> {
  const [tokenizerJson, tokenizerConfig, preprocessorConfig] = await Promise.all([
    files.readJson('tokenizer.json'),
    files.readJson('tokenizer_config.json'),
    files.readJson('preprocessor_config.json'),
  ]);
  const Tokenizer = exportedSubclass(tokenizerConfig['tokenizer_class'], PreTrainedTokenizer);
  const Processor = exportedSubclass(
    preprocessorConfig['image_processor_type'] ?? preprocessorConfig['feature_extractor_type'],
    ImageProcessor,
  );
  let tokenizer: PreTrainedTokenizer;
  let processor: ImageProcessor;
  // The resize as the model's Python processor (Pillow) does it, then transformers.js's processor without its own
  // resize (rescale, normalize): pil-resize.ts says why. Other resizes (crops, shortest-edge sizes, other
  // filters) stay transformers.js's.
  const pil = pilResizeOf(preprocessorConfig);
  let processorAfterPil: ImageProcessor | null = null;
  try {
    tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    processor = new Processor(preprocessorConfig);
    if (pil) processorAfterPil = new Processor({ ...preprocessorConfig, do_resize: false });
  } catch (error) {
    throw new ModelLoadError(`${files.modelId}: tokenizer or image processor: ${describeError(error)}`, {
      cause: error,
    });
  }
  return {
    imageSize: imageSizeOf(preprocessorConfig),
    decodeText: (tokens) => tokenizer.decode([...tokens], { skip_special_tokens: true }).trim(),
    async preprocess(image) {
      const channels = image.channels ?? 4;
      let raw = new RawImage(image.data, image.width, image.height, channels);
      let run = processor;
      if (pil && processorAfterPil && channels >= 3) {
        const rgb = channels === 3 ? image.data : dropAlpha(image.data);
        const resized = resizeLikePil(rgb, image.width, image.height, 3, pil.width, pil.height, pil.resample);
        raw = new RawImage(resized, pil.width, pil.height, 3);
        run = processorAfterPil;
      }
      let values: unknown;
      try {
        ({ pixel_values: values } = await run(raw));
      } catch (error) {
        throw new ImageInputError(`the image processor failed: ${describeError(error)}`, { cause: error });
      }
      if (!(values instanceof transformers.Tensor) || !(values.data instanceof Float32Array)) {
        throw new ImageInputError('the image processor gave no float32 pixel_values');
      }
      const [, c, h, w] = values.dims;
      if (values.dims.length !== 4 || c === undefined || h === undefined || w === undefined) {
        throw new ImageInputError(`pixel_values must be [1, 3, H, W], got [${values.dims.join(', ')}]`);
      }
      return { data: values.data, dims: [c, h, w] };
    },
  };
}

/** The fixed output size and Pillow filter of a processor whose resize pil-resize.ts reproduces, else null. */
function pilResizeOf(
  config: Record<string, unknown>,
): { width: number; height: number; resample: PilResample } | null {
  if (config['do_resize'] === false || config['do_center_crop'] === true) return null;
  const resample = config['resample'] ?? 2;
  const size = config['size'];
  if (!isPilResample(resample) || typeof size !== 'object' || size === null) return null;
  const width: unknown = Reflect.get(size, 'width');
  const height: unknown = Reflect.get(size, 'height');
  return typeof width === 'number' && typeof height === 'number' ? { width, height, resample } : null;
}

/** RGB bytes of RGBA pixels (the alpha dropped, as Pillow's convert('RGB') does). */
function dropAlpha(rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i]!;
    rgb[j + 1] = rgba[i + 1]!;
    rgb[j + 2] = rgba[i + 2]!;
  }
  return rgb;
}

function imageSizeOf(config: Record<string, unknown>): { width: number; height: number } {
  const size = config['do_center_crop'] === true ? config['crop_size'] : config['size'];
  if (typeof size === 'number') return { width: size, height: size };
  if (typeof size === 'object' && size !== null) {
    const width: unknown = Reflect.get(size, 'width');
    const height: unknown = Reflect.get(size, 'height');
    if (typeof width === 'number' && typeof height === 'number') return { width, height };
  }
  throw new ModelLoadError(`preprocessor_config.json has no usable size (${JSON.stringify(size)})`);
}
