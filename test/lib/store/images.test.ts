import { describe, expect, it } from 'vitest';
import { idbKeyvalBackend, openStudioStore } from '../../../src/lib/store';
import { storedImage } from './fixtures';
import { freshBackend } from './helpers';

const model = { id: 'Xenova/vit-gpt2-image-captioning', revision: 'main' };

describe('images by content hash', () => {
  it('stores meta, file and thumbnail and reads them back after a reload', async () => {
    const { backend, prefix } = freshBackend();
    const store = await openStudioStore({ backend });
    const image = await storedImage('cat.png', 1);
    expect(await store.images.put(image)).toEqual({ added: true });
    const reloaded = await openStudioStore({ backend: idbKeyvalBackend(prefix) });
    expect(await reloaded.images.get(image.meta.id)).toEqual(image.meta);
    expect(await reloaded.images.getFile(image.meta.id)).toEqual(image.file);
    expect(await reloaded.images.getThumbnail(image.meta.id)).toEqual(image.thumbnail);
  });

  it('the same image dropped twice is one item, even when both drops race', async () => {
    const { backend } = freshBackend();
    const store = await openStudioStore({ backend });
    const first = await storedImage('a.png', 7);
    const again = { ...first, meta: { ...first.meta, name: 'a copy.png', addedAt: 99 } };
    const [x, y] = await Promise.all([store.images.put(first), store.images.put(again)]);
    expect([x.added, y.added].sort()).toEqual([false, true]);
    expect(await store.images.put(again)).toEqual({ added: false });
    expect(await store.images.list()).toHaveLength(1);
  });

  it('stores only the bytes of a view, not the whole buffer behind it', async () => {
    const { backend } = freshBackend();
    const store = await openStudioStore({ backend });
    const image = await storedImage('v.png', 3, 100);
    const big = new Uint8Array(10_000);
    big.set(image.file, 500);
    await store.images.put({ ...image, file: big.subarray(500, 600) });
    const file = await store.images.getFile(image.meta.id);
    expect(file?.buffer.byteLength).toBe(100);
    expect(file).toEqual(image.file);
  });

  it('lists oldest first; delete removes the image and its captions', async () => {
    const { backend } = freshBackend();
    const store = await openStudioStore({ backend });
    const late = await storedImage('late.png', 2, 500, 20);
    const early = await storedImage('early.png', 5, 500, 10);
    await store.images.put(late);
    await store.images.put(early);
    expect((await store.images.list()).map((m) => m.name)).toEqual(['early.png', 'late.png']);
    await store.captions.add(early.meta.id, model, { text: 'a cat', source: 'student' });
    await store.deleteImage(early.meta.id);
    expect((await store.images.list()).map((m) => m.name)).toEqual(['late.png']);
    expect(await store.images.getFile(early.meta.id)).toBeUndefined();
    expect(await store.captions.list(early.meta.id, model)).toEqual([]);
  });
});

describe('atomic image writes (real IndexedDB transactions, fake-indexeddb)', () => {
  it('a write failing on its last entry leaves neither file nor thumbnail behind', async () => {
    const { backend } = freshBackend();
    const store = await openStudioStore({ backend });
    const image = await storedImage('uncloneable.png', 4);
    // Functions cannot be stored: the metadata (written last) fails after file and thumbnail were queued.
    const broken = { ...image, meta: { ...image.meta, warnings: [() => 0] as unknown as string[] } };
    await expect(store.images.put(broken)).rejects.toMatchObject({ name: 'StoreWriteError' });
    expect(await backend('images').keys()).toEqual([]);
  });
});
