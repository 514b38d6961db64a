import type { RgbaImage } from '../ingest';
import { ownBytes } from './bytes';
import { formatBytes, guardWrite } from './errors';
import { keysWithPrefix, type KvArea } from './kv';
import type { ImageMeta } from './schema';
import { readBytes, readRgbaImage } from './stored';

export const imageKeys = {
  meta: (id: string) => `meta/${id}`,
  file: (id: string) => `file/${id}`,
  thumb: (id: string) => `thumb/${id}`,
};

export interface StoredImage {
  meta: ImageMeta;
  /** The original file bytes (its SHA-256 is meta.id). */
  file: Uint8Array;
  thumbnail: RgbaImage;
}

/** Images by content hash: metadata, original bytes and thumbnail, always written together. */
export class ImageRepository {
  constructor(private readonly area: KvArea) {}

  /**
   * Store an image unless the same content is already there (then `added` is false). Meta, file and
   * thumbnail go in one transaction, meta last, so a failure leaves none of them visible.
   */
  async put({ meta, file, thumbnail }: StoredImage): Promise<{ added: boolean }> {
    if (await this.area.get(imageKeys.meta(meta.id))) return { added: false };
    const thumb = { ...thumbnail, data: ownBytes(thumbnail.data) };
    const size = formatBytes(file.byteLength + thumb.data.byteLength);
    const added = await guardWrite(`image "${meta.name}" (${size})`, () =>
      this.area.setManyIfAbsent(imageKeys.meta(meta.id), [
        [imageKeys.file(meta.id), ownBytes(file)],
        [imageKeys.thumb(meta.id), thumb],
        [imageKeys.meta(meta.id), meta],
      ]),
    );
    return { added };
  }

  get(id: string): Promise<ImageMeta | undefined> {
    return this.area.get<ImageMeta>(imageKeys.meta(id));
  }

  /** All images, oldest first (then by name), metadata only. */
  async list(): Promise<ImageMeta[]> {
    const keys = await keysWithPrefix(this.area, 'meta/');
    const metas = (await this.area.getMany<ImageMeta>(keys)).filter((m): m is ImageMeta => m !== undefined);
    return metas.sort((a, b) => a.addedAt - b.addedAt || a.name.localeCompare(b.name));
  }

  async getFile(id: string): Promise<Uint8Array | undefined> {
    return readBytes(await this.area.get(imageKeys.file(id)));
  }

  async getThumbnail(id: string): Promise<RgbaImage | undefined> {
    return readRgbaImage(await this.area.get(imageKeys.thumb(id)));
  }

  /** Remove the image (one transaction). Captions are removed by StudioStore.deleteImage. */
  delete(id: string): Promise<void> {
    return this.area.delMany([imageKeys.meta(id), imageKeys.file(id), imageKeys.thumb(id)]);
  }
}
