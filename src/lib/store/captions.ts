import { guardWrite } from './errors';
import { keysWithPrefix, type KvArea } from './kv';
import type { CaptionVersion, ModelRef } from './schema';
import { readCaptionHistory } from './stored';

export const captionKey = (imageId: string, model: ModelRef) => `${imageId}/${model.id}@${model.revision}`;

/** Caption histories per image and model (id + revision); versions are never rewritten. */
export class CaptionRepository {
  constructor(
    private readonly area: KvArea,
    private readonly now: () => number,
  ) {}

  /** Append a version (numbered from 0) atomically and return it. */
  async add(
    imageId: string,
    model: ModelRef,
    caption: Pick<CaptionVersion, 'text' | 'source' | 'extra'>,
  ): Promise<CaptionVersion> {
    let added: CaptionVersion | undefined;
    await guardWrite(`the caption of image ${imageId.slice(0, 12)}… (${model.id})`, () =>
      this.area.update<unknown>(captionKey(imageId, model), (stored) => {
        const old = readCaptionHistory(stored);
        added = { ...caption, version: old.length, createdAt: this.now() };
        return [...old, added];
      }),
    );
    return added!;
  }

  async list(imageId: string, model: ModelRef): Promise<CaptionVersion[]> {
    return readCaptionHistory(await this.area.get(captionKey(imageId, model)));
  }

  async latest(imageId: string, model: ModelRef): Promise<CaptionVersion | undefined> {
    return (await this.list(imageId, model)).at(-1);
  }

  /** Every model's history for one image, keyed by `<modelId>@<revision>`. */
  async forImage(imageId: string): Promise<Record<string, CaptionVersion[]>> {
    const keys = await keysWithPrefix(this.area, `${imageId}/`);
    const values = await this.area.getMany(keys);
    return Object.fromEntries(
      keys.map((key, i) => [key.slice(imageId.length + 1), readCaptionHistory(values[i])]),
    );
  }

  async deleteForImage(imageId: string): Promise<void> {
    await this.area.delMany(await keysWithPrefix(this.area, `${imageId}/`));
  }
}
