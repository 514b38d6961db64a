import { describe, expect, it } from 'vitest';
import { idbKeyvalBackend, isQuotaError, openStudioStore, StorageFullError } from '../../../src/lib/store';
import { storedImage } from './fixtures';
import { freshBackend, quotaLimited, tornWrites } from './helpers';

describe('full storage', () => {
  it('raises StorageFullError naming the image that was not saved, and keeps nothing of it', async () => {
    const { backend, prefix } = freshBackend();
    const limited = quotaLimited(backend, 5_000);
    const store = await openStudioStore({ backend: limited });
    const fits = await storedImage('fits.png', 1, 2_000);
    const tooBig = await storedImage('too-big.png', 2, 4_000);
    await store.images.put(fits);
    const error = await store.images.put(tooBig).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageFullError);
    expect((error as StorageFullError).what).toBe('image "too-big.png" (3.9 KB)');
    expect((error as Error).message).toMatch(
      /^Storage is full: image "too-big.png" \(3.9 KB\) was not saved\./,
    );
    // After a reload (no quota wrapper): the first image whole, no trace of the second.
    const reloaded = await openStudioStore({ backend: idbKeyvalBackend(prefix) });
    expect((await reloaded.images.list()).map((m) => m.name)).toEqual(['fits.png']);
    expect(await reloaded.images.getFile(tooBig.meta.id)).toBeUndefined();
    expect(await reloaded.images.getThumbnail(tooBig.meta.id)).toBeUndefined();
    expect(reloaded.repairReport.incompleteImages).toEqual([]);
  });

  it('names what was not saved for captions, cache entries, settings and checkpoints too', async () => {
    const { backend } = freshBackend();
    await openStudioStore({ backend }); // migrated while there was room
    const store = await openStudioStore({ backend: quotaLimited(backend, 0) });
    const model = { id: 'm', revision: 'r' };
    const whats = await Promise.all([
      store.captions
        .add('ab'.repeat(32), model, { text: 't', source: 'student' })
        .catch((e: StorageFullError) => e.what),
      store.cache.put('k', { x: 1 }, 'the detections of crop 3').catch((e: StorageFullError) => e.what),
      store.settings.set('maxNewTokens', 20).catch((e: StorageFullError) => e.what),
      store.checkpoints
        .put({ id: 'c', label: 'round 2', bytes: new Uint8Array(2048) })
        .catch((e: StorageFullError) => e.what),
    ]);
    expect(whats).toEqual([
      'the caption of image abababababab… (m)',
      'the detections of crop 3',
      'the setting "maxNewTokens"',
      'checkpoint "round 2" (2.0 KB)',
    ]);
  });

  it('a write torn by a non-atomic engine is detected and cleaned at load', async () => {
    const { backend, prefix } = freshBackend();
    const store = await openStudioStore({ backend: tornWrites(backend, 2) });
    const image = await storedImage('torn.png', 3);
    await expect(store.images.put(image)).rejects.toBeInstanceOf(StorageFullError);
    // The file and thumbnail landed, the metadata did not: invisible to list(), then removed at load.
    expect(await backend('images').keys()).toHaveLength(2);
    expect(await store.images.list()).toEqual([]);
    const reloaded = await openStudioStore({ backend: idbKeyvalBackend(prefix) });
    expect(reloaded.repairReport.incompleteImages).toEqual([image.meta.id]);
    expect(await backend('images').keys()).toEqual([]);
    // And the image can be dropped again.
    expect(await reloaded.images.put(image)).toEqual({ added: true });
  });

  it('repair also removes captions whose image is gone and half-written checkpoints', async () => {
    const { backend, prefix } = freshBackend();
    const store = await openStudioStore({ backend });
    await store.captions.add('gone', { id: 'm', revision: 'r' }, { text: 't', source: 'student' });
    await backend('checkpoints').setMany([['data/c9', new Uint8Array(4)]]);
    const reloaded = await openStudioStore({ backend: idbKeyvalBackend(prefix) });
    expect(reloaded.repairReport).toMatchObject({ orphanCaptions: 1, incompleteCheckpoints: ['c9'] });
    expect(await backend('captions').keys()).toEqual([]);
  });

  it('recognizes quota errors by every name browsers use', () => {
    expect(isQuotaError(new DOMException('x', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaError({ name: 'AbortError', inner: { name: 'QuotaExceededError' } })).toBe(true);
    expect(isQuotaError(new DOMException('x', 'DataCloneError'))).toBe(false);
    expect(isQuotaError(undefined)).toBe(false);
  });
});
