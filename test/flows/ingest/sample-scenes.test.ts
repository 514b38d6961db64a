import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IncomingFile } from '../../../src/flows/studio-ports';
import type { FetchFile } from '../../../src/flows/ingest/sample-scenes';
import {
  loadSampleScenes,
  SAMPLE_SCENES_ANNOTATIONS,
  SAMPLE_SCENES_PATH,
  sampleImageNames,
} from '../../../src/flows/ingest/sample-scenes';
import { REPO_DIR } from '../../support/fixtures';

const PUBLIC = join(REPO_DIR, 'public');
const ORIGIN = 'http://app.test';

/** public/ on disk, as the app's server serves it. */
const diskFetch: FetchFile = async (url) => {
  const bytes = await readFile(join(PUBLIC, url.slice(ORIGIN.length))).catch(() => null);
  return {
    ok: bytes !== null,
    status: bytes === null ? 404 : 200,
    text: async () => (bytes ?? Buffer.alloc(0)).toString('utf8'),
    arrayBuffer: async () => new Uint8Array(bytes ?? []).buffer,
  };
};

describe('Load sample scenes', () => {
  it('adds every committed sample as a card, then imports its instances.json', async () => {
    const instancesText = readFileSync(join(PUBLIC, 'samples', 'scenes', 'instances.json'), 'utf8');
    const names = sampleImageNames(JSON.parse(instancesText));
    const events: string[] = [];
    let added: IncomingFile[] = [];
    const count = await loadSampleScenes({
      baseUrl: `${ORIGIN}${SAMPLE_SCENES_PATH}`,
      fetch: diskFetch,
      addFiles: async (files) => {
        added = [...files];
        await new Promise((resolve) => setTimeout(resolve, 10)); // ingestion takes a while
        events.push('added');
      },
      importCoco: async (fileName, text) => {
        events.push(`import ${fileName}`);
        expect(text).toBe(instancesText);
      },
    });
    expect(count).toBe(names.length);
    expect(events).toEqual(['added', `import ${SAMPLE_SCENES_ANNOTATIONS}`]);
    expect(added.map((f) => f.name)).toEqual(names);
    for (const file of added) {
      const onDisk = readFileSync(join(PUBLIC, 'samples', 'scenes', 'images', file.name));
      expect(Buffer.from(await file.bytes()).equals(onDisk), file.name).toBe(true);
      expect(file.size).toBe(onDisk.byteLength);
    }
  });

  it('says where it looked when the samples are not served, and adds nothing', async () => {
    const added: string[] = [];
    await expect(
      loadSampleScenes({
        baseUrl: `${ORIGIN}/samples/nowhere/`,
        fetch: diskFetch,
        addFiles: async (files) => void added.push(...files.map((f) => f.name)),
        importCoco: async () => {},
      }),
    ).rejects.toThrow(
      'the sample scenes are not served here: http://app.test/samples/nowhere/instances.json answered 404',
    );
    expect(added).toEqual([]);
  });

  it('refuses file names that leave the images folder', () => {
    expect(() => sampleImageNames({ images: [{ file_name: '../secret.png' }] })).toThrow(/bad file_name/);
    expect(() => sampleImageNames({ images: [] })).toThrow(/lists no images/);
  });
});
