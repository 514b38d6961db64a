import { RawImage } from '@huggingface/transformers';
import type { PixelImage } from '../../../../src/lib/caption/types';

/** The committed real COCO photos (test/fixtures/photos), sorted by name. */
export { PHOTOS_DIR, photoPaths } from '../../../support/fixtures';

/**
 * Decoded with transformers.js's own RawImage.read (sharp in Node), exactly as its pipeline reads a path,
 * so both sides caption the same pixels.
 */
export async function photoRequests(paths: readonly string[]): Promise<{ id: string; image: PixelImage }[]> {
  return Promise.all(
    paths.map(async (path) => {
      const image = await RawImage.read(path);
      if (image.channels === 2) throw new Error(`${path}: grey+alpha is not a PixelImage layout`);
      return {
        id: path,
        image: { width: image.width, height: image.height, channels: image.channels, data: image.data },
      };
    }),
  );
}
