/**
 * Florence-2 through transformers.js 4.3.1: Florence2ForConditionalGeneration and its AutoProcessor, each
 * session at the dtype the table resolved (dtypes.ts). transformers.js runs the vision encoder inside
 * generate() for one image at a time; here the vision encoder runs once for a batch of crops and its
 * features are reused by every task on that crop: generate() takes `inputs_embeds` (image features, then
 * the task prompt's token embeddings) and `attention_mask` exactly as Florence2ForConditionalGeneration.
 * _merge_input_ids_with_image_features builds them, so the result is the one generate() gives from pixels.
 * Where the files come from (public/models, the hub) is transformers.js's `env`, set by the caller.
 */
import type { Tensor } from '@huggingface/transformers';
import {
  AutoProcessor,
  Florence2ForConditionalGeneration,
  RawImage,
  cat,
  ones,
} from '@huggingface/transformers';
import type { RasterImage } from '../raster';
import { dtypeSignature } from './dtypes';
import { FlorenceRunError, TeacherLoadError } from './errors';
import type {
  FlorenceGeneration,
  FlorenceRunResult,
  FlorenceRuntime,
  VisionFeatures,
} from './florence-runtime';
import type { FlorenceDtypes, FlorenceTask } from './types';

/** The parts of the processor and model used here (transformers.js marks some of them internal). */
interface FlorenceProcessor {
  image_processor: (images: RawImage[]) => Promise<{ pixel_values: Tensor }>;
  tokenizer: (text: string[]) => { input_ids: Tensor; attention_mask: Tensor };
  construct_prompts(text: string): string[];
  batch_decode(ids: unknown, options: { skip_special_tokens: boolean }): string[];
  post_process_generation(text: string, task: string, size: [number, number]): Record<string, unknown>;
}

interface FlorenceModel {
  encode_image(inputs: { pixel_values: Tensor }): Promise<Tensor>;
  encode_text(inputs: { input_ids: Tensor }): Promise<Tensor>;
  generate(inputs: Record<string, unknown>): Promise<unknown>;
  dispose(): Promise<unknown>;
}

class Features implements VisionFeatures {
  constructor(
    readonly tensor: Tensor,
    readonly width: number,
    readonly height: number,
  ) {}
}

/** Our runtime, plus transformers.js's own one-image path (pixels in, generate) on the same weights. */
export interface TransformersFlorence extends FlorenceRuntime {
  /** What transformers.js does by itself: preprocess, vision encoder, prompt, generate, for one image. */
  runFromPixels(
    task: FlorenceTask,
    image: RasterImage,
    text: string,
    generation: FlorenceGeneration,
  ): Promise<FlorenceRunResult>;
}

export interface TransformersFlorenceOptions {
  /** transformers.js device: 'webgpu' or 'wasm' in browsers, 'cpu' in Node. */
  readonly device: 'webgpu' | 'wasm' | 'cpu';
  readonly dtypes: FlorenceDtypes;
  readonly revision?: string;
  readonly progress?: (event: unknown) => void;
}

function toRawImage(image: RasterImage): RawImage {
  return new RawImage(image.data, image.width, image.height, image.channels);
}

function generationArgs(g: FlorenceGeneration): Record<string, unknown> {
  return {
    max_new_tokens: g.maxNewTokens,
    num_beams: g.numBeams,
    do_sample: false,
    ...(g.minNewTokens ? { min_new_tokens: g.minNewTokens } : {}),
  };
}

function generatedIds(output: unknown): { ids: unknown; length: number } {
  const tensor = output as { dims?: number[] } | null;
  const dims = tensor?.dims;
  if (!Array.isArray(dims) || dims.length !== 2 || dims[0] !== 1) {
    throw new FlorenceRunError('Florence-2 generate() gave no [1, n] token ids.');
  }
  return { ids: output, length: dims[1]! };
}

export async function loadTransformersFlorence(
  modelId: string,
  options: TransformersFlorenceOptions,
): Promise<TransformersFlorence> {
  const revision = options.revision ?? 'main';
  const { processor, model } = await loadFlorenceParts(modelId, revision, options);
  const finish = (task: FlorenceTask, output: unknown, width: number, height: number): FlorenceRunResult =>
    finishRun(processor, task, output, width, height);
  return {
    modelId,
    revision: `${revision}|${dtypeSignature(options.dtypes)}`,
    dtypes: options.dtypes,

    encodeImages: (images) => encodeImages(processor, model, images),

    async run(task: FlorenceTask, features: VisionFeatures, text: string, generation: FlorenceGeneration) {
      if (!(features instanceof Features)) throw new FlorenceRunError('Features from another runtime.');
      const output = await generateFromFeatures(processor, model, features, task + text, generation);
      return finish(task, output, features.width, features.height);
    },

    async runFromPixels(task, image, text, generation) {
      const raw = toRawImage(image);
      const inputs = await (
        processor as unknown as (i: RawImage, t: string[]) => Promise<Record<string, Tensor>>
      )(raw, processor.construct_prompts(task + text));
      const output = await model.generate({ ...inputs, ...generationArgs(generation) });
      return finish(task, output, image.width, image.height);
    },

    release(list) {
      for (const f of list) if (f instanceof Features) f.tensor.dispose();
    },

    async dispose() {
      await model.dispose();
    },
  };
}

async function loadFlorenceParts(
  modelId: string,
  revision: string,
  options: TransformersFlorenceOptions,
): Promise<{ processor: FlorenceProcessor; model: FlorenceModel }> {
  const hub = {
    revision,
    ...(options.progress ? { progress_callback: options.progress } : {}),
  };
  try {
    const processor = (await AutoProcessor.from_pretrained(modelId, hub)) as unknown as FlorenceProcessor;
    const model = (await Florence2ForConditionalGeneration.from_pretrained(modelId, {
      ...hub,
      device: options.device,
      dtype: { ...options.dtypes },
    })) as unknown as FlorenceModel;
    return { processor, model };
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new TeacherLoadError(
      `Florence-2 '${modelId}' could not be loaded on ${options.device}: ${detail}`,
      {
        cause: error,
      },
    );
  }
}

/** The vision encoder once for a batch of crops: one Features per image. */
async function encodeImages(
  processor: FlorenceProcessor,
  model: FlorenceModel,
  images: readonly RasterImage[],
): Promise<Features[]> {
  if (images.length === 0) return [];
  const { pixel_values } = await processor.image_processor(images.map(toRawImage));
  const all = await model.encode_image({ pixel_values });
  pixel_values.dispose();
  if (all.dims.length !== 3 || all.dims[0] !== images.length) {
    throw new FlorenceRunError(
      `The vision encoder gave [${all.dims.join(', ')}] for ${images.length} images.`,
    );
  }
  const out = images.map(
    (image, i) => new Features(images.length === 1 ? all : all.slice([i, i + 1]), image.width, image.height),
  );
  if (images.length > 1) all.dispose();
  return out;
}

/** generate() on the image features followed by the prompt's embeddings, as transformers.js merges them. */
async function generateFromFeatures(
  processor: FlorenceProcessor,
  model: FlorenceModel,
  features: Features,
  taskText: string,
  generation: FlorenceGeneration,
): Promise<unknown> {
  const prompt = processor.construct_prompts(taskText);
  const tokens = processor.tokenizer(prompt);
  const promptEmbeds = await model.encode_text({ input_ids: tokens.input_ids });
  const image = features.tensor;
  const inputs_embeds = cat([image, promptEmbeds], 1);
  const attention_mask = cat([ones(image.dims.slice(0, 2)), tokens.attention_mask], 1);
  const output = await model.generate({ inputs_embeds, attention_mask, ...generationArgs(generation) });
  for (const t of [promptEmbeds, inputs_embeds, attention_mask]) t.dispose();
  return output;
}

function finishRun(
  processor: FlorenceProcessor,
  task: FlorenceTask,
  output: unknown,
  width: number,
  height: number,
): FlorenceRunResult {
  const { ids, length } = generatedIds(output);
  const decoded = processor.batch_decode(ids, { skip_special_tokens: false })[0];
  if (decoded === undefined) throw new FlorenceRunError('Florence-2 decoded no text.');
  const result = processor.post_process_generation(decoded, task, [width, height]);
  // Decoder start and forced BOS are not new text.
  return { result, text: decoded, newTokens: Math.max(0, length - 1) };
}
