import { imageMetaFromRecord, type StudioStore } from '../../lib/store';
import type { ImageStorePort } from '../studio-ports';

/**
 * Image files, thumbnails and caption histories in src/lib/store's IndexedDB areas. Captions are kept per
 * model; the revision is 'main' until models carry one.
 */
export function imageStorePort(opened: Promise<StudioStore>): ImageStorePort {
  return {
    async put(record, file, addedAt) {
      const store = await opened;
      await store.images.put({
        meta: imageMetaFromRecord(record, addedAt),
        file,
        thumbnail: record.thumbnail,
      });
    },
    getFile: async (id) => (await opened).images.getFile(id),
    getThumbnail: async (id) => (await opened).images.getThumbnail(id),
    delete: async (id) => (await opened).deleteImage(id),
    async addCaption(id, modelId, text, extra) {
      const store = await opened;
      await store.captions.add(id, { id: modelId, revision: 'main' }, { text, source: 'student', extra });
    },
    async hasCaption(id, modelId, text) {
      const versions = await (await opened).captions.list(id, { id: modelId, revision: 'main' });
      return versions.some((v) => v.text === text);
    },
  };
}
