import { describe, expect, it } from 'vitest';
import {
  cacheKey,
  canonicalJson,
  idbKeyvalBackend,
  openStudioStore,
  pendingItems,
} from '../../../src/lib/store';
import type { JobState } from '../../../src/lib/store';
import { storedImage } from './fixtures';
import { freshBackend } from './helpers';

const vit = { id: 'Xenova/vit-gpt2-image-captioning', revision: 'main' };
const tiny = { id: 'tiny-random/vit-gpt2', revision: 'abc123' };

describe('captions: versions per image and model', () => {
  it('appends numbered versions per model id and revision', async () => {
    const { backend } = freshBackend();
    let clock = 100;
    const store = await openStudioStore({ backend, now: () => clock++ });
    const { meta } = await storedImage('x.png', 1);
    await store.images.put(await storedImage('x.png', 1));
    await store.captions.add(meta.id, vit, { text: 'a cat on a couch', source: 'student' });
    const v1 = await store.captions.add(meta.id, vit, {
      text: 'two cats on a pink couch',
      source: 'refined',
    });
    await store.captions.add(meta.id, tiny, { text: 'gibberish', source: 'student', extra: { beams: 1 } });
    expect(v1).toMatchObject({ version: 1, source: 'refined' });
    expect((await store.captions.list(meta.id, vit)).map((c) => [c.version, c.text])).toEqual([
      [0, 'a cat on a couch'],
      [1, 'two cats on a pink couch'],
    ]);
    expect((await store.captions.latest(meta.id, vit))?.text).toBe('two cats on a pink couch');
    expect(Object.keys(await store.captions.forImage(meta.id)).sort()).toEqual([
      'Xenova/vit-gpt2-image-captioning@main',
      'tiny-random/vit-gpt2@abc123',
    ]);
  });

  it('concurrent adds do not lose a version', async () => {
    const { backend } = freshBackend();
    const store = await openStudioStore({ backend });
    const image = await storedImage('y.png', 2);
    await store.images.put(image);
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        store.captions.add(image.meta.id, vit, { text: `c${i}`, source: 'user' }),
      ),
    );
    expect((await store.captions.list(image.meta.id, vit)).map((c) => c.version)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('jobs: unfinished work resumes after a reload', () => {
  const job = (id: string, status: JobState['status']): JobState => ({
    id,
    kind: 'caption',
    status,
    items: ['a', 'b', 'c'].map((item) => ({ id: item, state: 'pending' as const })),
    params: { batchSize: 4 },
    createdAt: id.charCodeAt(0),
    updatedAt: 0,
  });

  it('a job cut off while running comes back queued with only its pending items', async () => {
    const { backend, prefix } = freshBackend();
    const store = await openStudioStore({ backend });
    await store.jobs.put(job('j', 'running'));
    await store.jobs.put(job('k', 'paused'));
    await store.jobs.put(job('l', 'done'));
    await store.jobs.markItem('j', 'a', 'done');
    await store.jobs.markItem('j', 'b', 'failed', 'DecodeFailedError');
    // reload
    const reloaded = await openStudioStore({ backend: idbKeyvalBackend(prefix) });
    expect(reloaded.repairReport.requeuedJobs).toEqual(['j']);
    const unfinished = await reloaded.jobs.unfinished();
    expect(unfinished.map((j) => [j.id, j.status, j.interrupted ?? false])).toEqual([
      ['j', 'queued', true],
      ['k', 'paused', false],
    ]);
    expect(pendingItems(unfinished[0]!)).toEqual(['c']);
    expect(unfinished[0]!.items[1]).toEqual({ id: 'b', state: 'failed', message: 'DecodeFailedError' });
  });

  it('a job becomes done when its last item settles', async () => {
    const { backend } = freshBackend();
    const store = await openStudioStore({ backend });
    await store.jobs.put(job('m', 'running'));
    for (const item of ['a', 'b', 'c']) await store.jobs.markItem('m', item, 'done');
    expect((await store.jobs.get('m'))?.status).toBe('done');
    expect(await store.jobs.unfinished()).toEqual([]);
  });
});

describe('settings, cache and checkpoints', () => {
  it('settings survive a reload', async () => {
    const { backend, prefix } = freshBackend();
    const store = await openStudioStore({ backend });
    await store.settings.set('generation', { strategy: 'beam', numBeams: 3, maxNewTokens: 20 });
    const reloaded = await openStudioStore({ backend: idbKeyvalBackend(prefix) });
    expect(await reloaded.settings.get('generation')).toEqual({
      strategy: 'beam',
      numBeams: 3,
      maxNewTokens: 20,
    });
  });

  it('cache keys are stable across field order and change with any part', async () => {
    const parts = {
      imageId: 'ab'.repeat(32),
      model: { id: 'onnx-community/Florence-2-base-ft', revision: 'main' },
      task: '<OD>',
      crop: { x: 0, y: 0, width: 320, height: 320, zoom: 2 },
      promptVersion: 3,
    };
    const reordered = {
      promptVersion: 3,
      crop: { zoom: 2, height: 320, width: 320, y: 0, x: 0 },
      task: '<OD>',
      model: { revision: 'main', id: 'onnx-community/Florence-2-base-ft' },
      imageId: 'ab'.repeat(32),
    };
    const key = await cacheKey(parts);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await cacheKey(reordered)).toBe(key);
    expect(await cacheKey({ ...parts, promptVersion: 4 })).not.toBe(key);
    expect(await cacheKey({ ...parts, crop: { ...parts.crop, zoom: 1 } })).not.toBe(key);
    expect(await cacheKey({ ...parts, model: { ...parts.model, revision: 'v2' } })).not.toBe(key);
    expect(canonicalJson({ b: 1, a: [undefined, { d: 2, c: undefined }] })).toBe(
      '{"a":[null,{"d":2}],"b":1}',
    );
  });

  it('a rerun is a cache hit', async () => {
    const { backend } = freshBackend();
    const store = await openStudioStore({ backend });
    const key = await cacheKey({ imageId: 'i', model: vit, task: 'caption' });
    expect(await store.cache.has(key)).toBe(false);
    await store.cache.put(key, { boxes: [[1, 2, 3, 4]], labels: ['cat'] });
    expect(await store.cache.get(key)).toEqual({ boxes: [[1, 2, 3, 4]], labels: ['cat'] });
  });

  it('checkpoints: bytes by id, listing with sizes', async () => {
    const { backend } = freshBackend();
    let clock = 1;
    const store = await openStudioStore({ backend, now: () => clock++ });
    await store.checkpoints.put({ id: 'c1', label: 'round 1', bytes: new Uint8Array(1500).fill(1) });
    await store.checkpoints.put({ id: 'c2', label: 'round 2', bytes: new Uint8Array(30).fill(2) });
    expect((await store.checkpoints.list()).map((c) => [c.id, c.label, c.byteLength])).toEqual([
      ['c1', 'round 1', 1500],
      ['c2', 'round 2', 30],
    ]);
    expect(await store.checkpoints.get('c2')).toEqual(new Uint8Array(30).fill(2));
    await store.checkpoints.delete('c1');
    expect((await store.checkpoints.list()).map((c) => c.id)).toEqual(['c2']);
  });

  it('estimate comes from the injected platform function', async () => {
    const { backend } = freshBackend();
    const store = await openStudioStore({ backend, estimate: async () => ({ usage: 5, quota: 100 }) });
    expect(await store.estimate()).toEqual({ usage: 5, quota: 100 });
    const bare = await openStudioStore({ backend: freshBackend().backend });
    expect(await bare.estimate()).toBeUndefined();
  });
});
