/**
 * The tiny ViT-GPT2 student (public/models/tiny-random/vit-gpt2) with 8 real photos and captions: encoder outputs
 * computed once (the studio's image processor, src/lib/caption/processors.ts, as its captioner and trainer
 * preprocess, + the student's encoder), captions tokenized by its tokenizer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoTokenizer, RawImage, env } from '@huggingface/transformers';
import { loadProcessors } from '../../../../../src/lib/caption/processors';
import type { TrainingSample } from '../../../../../src/lib/train/graph/batches';
import { PHOTOS_DIR } from '../../../../support/fixtures';
import { modelFolderFiles } from '../../../caption/helpers/node-student';
import { ort } from './backends';

export const MODELS_DIR = join(__dirname, '../../../../../public/models');
export const STUDENT_ID = 'tiny-random/vit-gpt2';
export const STUDENT_DIR = join(MODELS_DIR, STUDENT_ID);

/**
 * Photos from test/fixtures/photos with a caption each, in words of the tokenizer's corpus: 7–12 tokens, so that
 * caption + end token fit transformers.js's default max_length of 20.
 */
export const PAIRS: readonly { image: string; caption: string }[] = [
  { image: 'coco_val2017_000000039769.png', caption: 'two cats sleeping on a couch' },
  { image: 'coco_val2017_000000000724.jpg', caption: 'a red stop sign' },
  { image: 'coco_val2017_000000000139.jpg', caption: 'a living room with a couch and a chair' },
  { image: 'coco_000000087038.jpg', caption: 'a man riding a skateboard' },
  { image: 'coco_000000570688.jpg', caption: 'people flying kites on a beach' },
  { image: 'coco_val2014_000000060623.jpg', caption: 'a woman holding a cup of coffee' },
  { image: 'coco_val2014_000000354533.jpg', caption: 'a man riding a motorcycle' },
  { image: 'coco_val2014_000000579664.jpg', caption: 'a bunch of bananas' },
];

export const STUDENT_CONFIG = JSON.parse(readFileSync(join(STUDENT_DIR, 'config.json'), 'utf8')) as {
  decoder_start_token_id: number;
  eos_token_id: number;
  pad_token_id: number;
  decoder: { n_embd: number };
};

export function studentFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(STUDENT_DIR, 'onnx', name)));
}

export function useLocalModels(): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = MODELS_DIR;
}

export interface StudentData {
  readonly samples: TrainingSample[];
  readonly captions: string[];
  readonly encoderSequence: number;
  readonly encoderWidth: number;
  decode(tokens: readonly number[]): string;
}

export async function loadStudentData(pairs = PAIRS): Promise<StudentData> {
  useLocalModels();
  const processors = await loadProcessors(modelFolderFiles(STUDENT_DIR));
  const tokenizer = await AutoTokenizer.from_pretrained(STUDENT_ID);
  const encoder = await ort.InferenceSession.create(studentFile('encoder_model.onnx'));
  const samples: TrainingSample[] = [];
  let encoderSequence = 0;
  let encoderWidth = 0;
  for (const pair of pairs) {
    const image = await RawImage.read(join(PHOTOS_DIR, pair.image));
    if (image.channels === 2) throw new Error(`${pair.image}: grey+alpha is not a PixelImage layout`);
    const pixels = await processors.preprocess({
      width: image.width,
      height: image.height,
      channels: image.channels,
      data: image.data,
    });
    const out = await encoder.run({
      pixel_values: new ort.Tensor('float32', pixels.data, [1, ...pixels.dims]),
    });
    const states = out.last_hidden_state!;
    [, encoderSequence, encoderWidth] = states.dims as [number, number, number];
    const tokens = tokenizer.encode(pair.caption, { add_special_tokens: false });
    samples.push({ tokens, encoderStates: Float32Array.from(states.data as Float32Array) });
  }
  await encoder.release();
  return {
    samples,
    captions: pairs.map((p) => p.caption),
    encoderSequence,
    encoderWidth,
    decode: (tokens) => tokenizer.decode([...tokens], { skip_special_tokens: true }),
  };
}

/** Greedy decoding with the plain decoder (no cache): start token, then argmax until the end token. */
export async function greedyCaption(
  decoder: ort.InferenceSession,
  encoderStates: Float32Array,
  encoderSequence: number,
  maxLength = 20,
): Promise<number[]> {
  const { decoder_start_token_id: start, eos_token_id: end } = STUDENT_CONFIG;
  const width = encoderStates.length / encoderSequence;
  const ids = [start];
  while (ids.length < maxLength) {
    const out = await decoder.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      encoder_hidden_states: new ort.Tensor('float32', encoderStates, [1, encoderSequence, width]),
    });
    const logits = out.logits!.data as Float32Array;
    const vocab = logits.length / ids.length;
    const last = logits.subarray((ids.length - 1) * vocab);
    let best = 0;
    for (let v = 1; v < vocab; v++) if (last[v]! > last[best]!) best = v;
    if (best === end) break;
    ids.push(best);
  }
  return ids.slice(1);
}
