/**
 * The student's encoder over a batch of images, for training: the model's own image processor, one encoder
 * run per batch, `last_hidden_state` read back to the host (it is cached there, encoder-cache.ts).
 */
import { ImageInputError } from '../core/errors';
import type { SessionLike, TensorFactory } from '../caption/session';
import { outputOf, readFloat32 } from '../caption/session';
import type { ImageDecoder, PixelValues } from '../caption/student-model';
import type { CaptionRequest, PixelImage } from '../caption/types';
import type { EncoderStates } from './encoder-cache';

export interface ImageEncoder {
  readonly session: SessionLike;
  readonly tensors: TensorFactory;
  preprocess(image: PixelImage): Promise<PixelValues>;
  readonly decodeImage?: ImageDecoder;
}

async function pixelsOf(
  image: CaptionRequest['image'],
  decode: ImageDecoder | undefined,
): Promise<PixelImage> {
  if ('data' in image) return image;
  if (decode === undefined) throw new ImageInputError('no image decoder here to read the file bytes');
  return decode(image);
}

export async function encodeImages(
  encoder: ImageEncoder,
  images: readonly CaptionRequest['image'][],
): Promise<EncoderStates[]> {
  if (images.length === 0) return [];
  const values: PixelValues[] = [];
  for (const image of images)
    values.push(await encoder.preprocess(await pixelsOf(image, encoder.decodeImage)));
  const [c, h, w] = values[0]!.dims;
  const size = c * h * w;
  const stacked = new Float32Array(values.length * size);
  values.forEach((v, i) => {
    if (v.data.length !== size)
      throw new ImageInputError('the image processor gave images of different sizes');
    stacked.set(v.data, i * size);
  });
  const input = encoder.tensors.float32(stacked, [values.length, c, h, w]);
  const outputs = await encoder.session.run({ pixel_values: input });
  const hidden = outputOf(outputs, 'last_hidden_state');
  const [, sequence, width] = hidden.dims as [number, number, number];
  const data = await readFloat32(hidden, 'encoder last_hidden_state');
  const states = values.map((_, i) => ({
    data: data.slice(i * sequence * width, (i + 1) * sequence * width),
    sequence,
    width,
  }));
  for (const t of Object.values(outputs)) if (t.location !== 'cpu') t.dispose();
  return states;
}
