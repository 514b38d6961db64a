import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RawImage } from '@huggingface/transformers';
import type { PixelImage } from '../../../../src/lib/models/student/types';

export const SHARED_DIR = process.env['SHARED_DIR'] ?? '../shared';
export const PHOTOS_DIR = join(SHARED_DIR, 'data', 'images');

/** The real COCO photos of ../shared/data/images, sorted by name. */
export function photoPaths(): string[] {
  return readdirSync(PHOTOS_DIR)
    .filter((name) => /\.(jpe?g|png)$/i.test(name))
    .sort()
    .map((name) => join(PHOTOS_DIR, name));
}

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
