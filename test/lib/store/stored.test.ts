import { describe, expect, it } from 'vitest';
import {
  CaptionRepository,
  CheckpointRepository,
  ImageRepository,
  JobRepository,
  captionKey,
  imageKeys,
} from '../../../src/lib/store';
import { freshBackend } from './helpers';

const model = { id: 'tiny', revision: 'main' };

describe('records read back from IndexedDB are validated, not cast', () => {
  it('a caption history drops versions that do not read back; a damaged history starts over', async () => {
    const area = freshBackend().backend('captions');
    const captions = new CaptionRepository(area, () => 7);
    const good = { version: 0, text: 'a cat', source: 'student', createdAt: 1 };
    await area.setMany([
      [captionKey('a', model), [good, { version: 1, text: 5 }, { ...good, source: 'robot' }, 'junk']],
      [captionKey('b', model), 'not a list'],
    ]);
    expect(await captions.list('a', model)).toEqual([good]);
    expect(await captions.list('b', model)).toEqual([]);
    expect(await captions.add('b', model, { text: 'a dog', source: 'user' })).toMatchObject({ version: 0 });
    expect(Object.values(await captions.forImage('a'))).toEqual([[good]]);
  });

  it('a damaged job reads as missing: left out of the list, and updating it says there is no such job', async () => {
    const area = freshBackend().backend('jobs');
    const jobs = new JobRepository(area, () => 9);
    const job = { id: 'j1', kind: 'caption', status: 'queued', items: [], createdAt: 1, updatedAt: 1 };
    await area.setMany([
      ['j1', job],
      ['j2', { ...job, id: 'j2', status: 'exploded' }],
      ['j3', { ...job, id: 'j3', items: [{ id: 'x', state: 'maybe' }] }],
    ]);
    expect((await jobs.list()).map((j) => j.id)).toEqual(['j1']);
    expect(await jobs.get('j2')).toBeUndefined();
    await expect(jobs.setStatus('j2', 'paused')).rejects.toThrow('no job j2');
    await jobs.setStatus('j1', 'paused');
    expect(await jobs.get('j1')).toMatchObject({ status: 'paused', updatedAt: 9 });
  });

  it('checkpoint rows without their fields are left out; bytes that are not bytes read as missing', async () => {
    const area = freshBackend().backend('checkpoints');
    const checkpoints = new CheckpointRepository(area, () => 3);
    await checkpoints.put({ id: 'c1', label: 'step 1', bytes: new Uint8Array([1, 2]) });
    await area.setMany([
      ['meta/c2', { id: 'c2', label: 'step 2', createdAt: 'late' }],
      ['data/c2', [1, 2]],
    ]);
    expect((await checkpoints.list()).map((m) => m.id)).toEqual(['c1']);
    expect(await checkpoints.get('c1')).toEqual(new Uint8Array([1, 2]));
    expect(await checkpoints.get('c2')).toBeUndefined();
  });

  it('an image file or thumbnail of the wrong shape reads as missing', async () => {
    const area = freshBackend().backend('images');
    const images = new ImageRepository(area);
    await area.setMany([
      [imageKeys.file('a'), 'bytes'],
      [imageKeys.thumb('a'), { width: 2, height: 2, data: [0, 0, 0, 0] }],
      [imageKeys.thumb('b'), { width: 1, height: 1, data: new Uint8Array(4), extra: true }],
    ]);
    expect(await images.getFile('a')).toBeUndefined();
    expect(await images.getThumbnail('a')).toBeUndefined();
    expect(await images.getThumbnail('b')).toEqual({ width: 1, height: 1, data: new Uint8Array(4) });
  });
});
