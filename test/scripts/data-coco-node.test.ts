/**
 * `npm run data:coco` end to end, offline: a fake fetch serves the fixture zip as the COCO site serves the real
 * annotations_trainval2017.zip (Range requests) and tiny JPEGs as its photos.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DataCocoIo, Fetch } from '../../scripts/data-coco-node';
import { DataCocoError, DataCocoUsageError, main } from '../../scripts/data-coco-node';
import { ANNOTATIONS_URL } from '../../scripts/lib/coco-subset';
import { CHAIR_SYNONYMS } from '../../src/lib/vocabulary/chair-synonyms';
import { parseCocoInstances } from '../../src/lib/score/chair';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'coco-download');
const ZIP = join(FIXTURE, 'annotations_trainval2017.zip');
const source = (name: string) => JSON.parse(readFileSync(join(FIXTURE, name), 'utf8'));
const VAL_IDS = [139, 285, 632, 724, 776, 785];
const fileName = (id: number) => `${String(id).padStart(12, '0')}.jpg`;
const imageUrl = (split: string, id: number) => `http://images.cocodataset.org/${split}/${fileName(id)}`;

type Reply = Response | 'network-error' | undefined;

/**
 * The COCO site: the zip (honouring Range as S3 does) and one JPEG per image. `override` may answer a request
 * first (a failure to test); `requests` records each one.
 */
function fakeSite(
  jpegs: Map<string, Uint8Array<ArrayBuffer>>,
  override?: (url: string, nth: number) => Reply,
) {
  const zip = new Uint8Array(readFileSync(ZIP));
  const requests: { url: string; range: string | null }[] = [];
  const fetch: Fetch = async (url, init) => {
    const range = new Headers(init?.headers).get('range');
    requests.push({ url, range });
    const reply = override?.(url, requests.filter((r) => r.url === url).length);
    if (reply === 'network-error')
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }),
      });
    if (reply) return reply;
    const body = url === ANNOTATIONS_URL ? zip : jpegs.get(url);
    if (!body) return new Response('<Error>NoSuchKey</Error>', { status: 404, statusText: 'Not Found' });
    if (range === null) return new Response(body, { headers: { 'content-type': 'image/jpeg' } });
    const [, from, to, suffix] = /^bytes=(?:(\d+)-(\d+)|-(\d+))$/.exec(range)!;
    const start = suffix ? Math.max(0, body.length - Number(suffix)) : Number(from);
    const end = suffix ? body.length - 1 : Math.min(Number(to), body.length - 1);
    return new Response(body.slice(start, end + 1), {
      status: 206,
      headers: { 'content-range': `bytes ${start}-${end}/${body.length}` },
    });
  };
  return { fetch, requests };
}

let jpegs: Map<string, Uint8Array<ArrayBuffer>>;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'data-coco-'));
  dirs.push(dir);
  return dir;
};
const io = (fetch: Fetch, logs: string[] = []): DataCocoIo => ({
  fetch,
  log: (line) => logs.push(line),
  sleep: async () => {},
  tries: 3,
  concurrency: 2,
});
const args = (out: string, ...more: string[]) => [
  '--split',
  'val2017',
  '--count',
  '3',
  '--out',
  out,
  ...more,
];
const imageRequests = (requests: { url: string }[]) => requests.filter((r) => r.url !== ANNOTATIONS_URL);

beforeAll(async () => {
  jpegs = new Map();
  for (const [split, ids] of [
    ['val2017', VAL_IDS],
    ['train2017', [9]],
  ] as const)
    for (const id of ids) {
      const jpeg = await sharp({
        create: { width: 8, height: 6, channels: 3, background: { r: id % 256, g: 90, b: 30 } },
      })
        .jpeg()
        .toBuffer();
      jpegs.set(imageUrl(split, id), new Uint8Array(jpeg));
    }
});

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('npm run data:coco', () => {
  it('writes images/, instances.json and captions.json: the official records of the chosen images only', async () => {
    const out = tempDir();
    const site = fakeSite(jpegs);
    const summary = await main(args(out, '--seed', '1'), io(site.fetch));

    const instances = JSON.parse(readFileSync(join(out, 'instances.json'), 'utf8'));
    const captions = JSON.parse(readFileSync(join(out, 'captions.json'), 'utf8'));
    const ids: number[] = instances.images.map((im: { id: number }) => im.id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    const chosen = new Set(ids);
    const official = source('instances_val2017.json');
    const officialCaptions = source('captions_val2017.json');
    // Every record as the official file has it, in its order; categories and licenses whole.
    expect(instances.images).toEqual(official.images.filter((im: { id: number }) => chosen.has(im.id)));
    expect(instances.annotations).toEqual(
      official.annotations.filter((a: { image_id: number }) => chosen.has(a.image_id)),
    );
    expect(instances.categories).toEqual(official.categories);
    expect(instances.licenses).toEqual(official.licenses);
    expect(instances.info).toEqual({
      ...official.info,
      description: '3-image subset of COCO val2017 (npm run data:coco, seed 1)',
    });
    expect(captions.images).toEqual(instances.images);
    expect(captions.annotations).toEqual(
      officialCaptions.annotations.filter((a: { image_id: number }) => chosen.has(a.image_id)),
    );
    expect(Object.keys(captions)).toEqual(['info', 'licenses', 'images', 'annotations']);

    // The photos, byte for byte, named by file_name, and nothing else in the folder.
    expect(readdirSync(out).sort()).toEqual(['captions.json', 'images', 'instances.json']);
    expect(readdirSync(join(out, 'images')).sort()).toEqual(ids.map(fileName).sort());
    for (const id of ids)
      expect(new Uint8Array(readFileSync(join(out, 'images', fileName(id))))).toEqual(
        jpegs.get(imageUrl('val2017', id)),
      );
    expect(summary).toMatchObject({
      out,
      split: 'val2017',
      images: 3,
      downloaded: 3,
      kept: 0,
      annotations: instances.annotations.length,
      captions: 6,
      categories: 4,
    });
    // The app's own COCO reader takes the folder's instances.json.
    expect([...parseCocoInstances(instances, CHAIR_SYNONYMS).objectsByImageId.keys()]).toEqual(ids);
    // Only the val2017 entries came over the network: a few Range reads, never the whole archive.
    const zipReads = site.requests.filter((r) => r.url === ANNOTATIONS_URL);
    expect(zipReads.every((r) => r.range !== null)).toBe(true);
    expect(
      imageRequests(site.requests)
        .map((r) => r.url)
        .sort(),
    ).toEqual(ids.map((id) => imageUrl('val2017', id)).sort());
  });

  it('draws the same images for the same seed, others for another, and only rich images with --min-categories', async () => {
    const idsOf = async (...more: string[]) => {
      const out = tempDir();
      await main(args(out, ...more), io(fakeSite(jpegs).fetch));
      return JSON.parse(readFileSync(join(out, 'instances.json'), 'utf8')).images.map(
        (im: { id: number }) => im.id,
      );
    };
    expect(await idsOf('--seed', '4')).toEqual(await idsOf('--seed', '4'));
    const seeds = await Promise.all(['0', '1', '2', '3'].map((s) => idsOf('--seed', s)));
    expect(new Set(seeds.map((ids) => [...ids].sort().join())).size).toBeGreaterThan(1);
    // 139 and 776 have 3 categories, 632 has 2; the others fewer.
    expect((await idsOf('--min-categories', '2')).sort()).toEqual([139, 632, 776]);
  });

  it('resumes: photos already there are kept, a broken one is fetched again', async () => {
    const out = tempDir();
    await main(args(out), io(fakeSite(jpegs).fetch));
    const [first, second] = readdirSync(join(out, 'images')).sort();
    rmSync(join(out, 'images', first!));
    writeFileSync(join(out, 'images', second!), 'not a jpeg');
    const site = fakeSite(jpegs);
    const logs: string[] = [];
    const summary = await main(args(out), io(site.fetch, logs));
    expect(summary).toMatchObject({ downloaded: 2, kept: 1 });
    expect(
      imageRequests(site.requests)
        .map((r) => r.url.split('/').pop())
        .sort(),
    ).toEqual([first, second].sort());
    expect(logs).toContain(`${join(out, 'images', second!)} is not a JPEG: downloading it again`);
    const third = fakeSite(jpegs);
    expect(await main(args(out), io(third.fetch))).toMatchObject({ downloaded: 0, kept: 3 });
    expect(imageRequests(third.requests)).toEqual([]);
  });

  it('retries a transient failure', async () => {
    const out = tempDir();
    const site = fakeSite(jpegs, (url, nth) =>
      url === ANNOTATIONS_URL && nth === 1
        ? 'network-error'
        : url !== ANNOTATIONS_URL && nth === 1
          ? new Response('busy', { status: 503, statusText: 'Service Unavailable' })
          : undefined,
    );
    expect(await main(args(out), io(site.fetch))).toMatchObject({ downloaded: 3 });
  });

  it('names the URL and the HTTP status of a failed photo, keeps the others and writes no annotations', async () => {
    const out = tempDir();
    // Every photo but the one the draw puts first is served; that one is missing (404).
    const site = fakeSite(jpegs, (url) =>
      url.endsWith(fileName(776)) ? new Response('', { status: 404, statusText: 'Not Found' }) : undefined,
    );
    const error = await main(args(out, '--seed', '1'), io(site.fetch)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataCocoError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^GET ${imageUrl('val2017', 776)}: HTTP 404 Not Found\\n\\d of 3 images are in .*; rerun the same command to resume\\.$`,
      ),
    );
    // A 404 is not retried: it will not change.
    expect(site.requests.filter((r) => r.url === imageUrl('val2017', 776))).toHaveLength(1);
    expect(existsSync(join(out, 'instances.json'))).toBe(false);
    expect(existsSync(join(out, 'captions.json'))).toBe(false);
  });

  it('says which URL the network failed on, after its retries', async () => {
    const out = tempDir();
    const site = fakeSite(jpegs, () => 'network-error');
    await expect(main(args(out), io(site.fetch))).rejects.toThrow(
      new DataCocoError(
        `GET ${ANNOTATIONS_URL} (Range: bytes=-65577): network error (fetch failed: ENOTFOUND) (3 tries)`,
      ),
    );
    expect(site.requests).toHaveLength(3);
  });

  it('rejects a body that is not a JPEG, and a server that ignores Range', async () => {
    const html = fakeSite(jpegs, (url) =>
      url === ANNOTATIONS_URL
        ? undefined
        : new Response('<html>', { headers: { 'content-type': 'text/html' } }),
    );
    await expect(main(args(tempDir()), io(html.fetch))).rejects.toThrow(
      /: not a JPEG \(6 bytes of text\/html\)\n/,
    );
    const noRange = fakeSite(jpegs, (url) => (url === ANNOTATIONS_URL ? new Response('PK...') : undefined));
    await expect(main(args(tempDir()), io(noRange.fetch))).rejects.toThrow(
      /the server ignored the Range request \(HTTP 200\); download .* yourself and pass --annotations FILE\.$/,
    );
  });

  it('reads a local annotations zip with --annotations, and the train2017 entries for --split train2017', async () => {
    const out = tempDir();
    const site = fakeSite(jpegs);
    await main(['--split', 'train2017', '--count', '1', '--out', out, '--annotations', ZIP], io(site.fetch));
    expect(site.requests.map((r) => r.url)).toEqual([imageUrl('train2017', 9)]);
    const instances = JSON.parse(readFileSync(join(out, 'instances.json'), 'utf8'));
    expect(instances.images.map((im: { coco_url: string }) => im.coco_url)).toEqual([
      imageUrl('train2017', 9),
    ]);
    expect(readdirSync(join(out, 'images'))).toEqual([fileName(9)]);
    // The same with the ZIP64 archive (data descriptors, ZIP64 records).
    const out64 = tempDir();
    await main(args(out64, '--annotations', join(FIXTURE, 'zip64-streamed.zip')), io(fakeSite(jpegs).fetch));
    expect(JSON.parse(readFileSync(join(out64, 'instances.json'), 'utf8')).images).toHaveLength(3);
    // That one holds no train2017 files: the error lists what it holds.
    await expect(
      main(
        [
          '--split',
          'train2017',
          '--count',
          '1',
          '--out',
          tempDir(),
          '--annotations',
          join(FIXTURE, 'zip64-streamed.zip'),
        ],
        io(site.fetch),
      ),
    ).rejects.toThrow(
      /zip64-streamed\.zip has no annotations\/instances_train2017\.json \(it holds annotations\/instances_val2017\.json, annotations\/captions_val2017\.json\)\.$/,
    );
  });

  it('explains bad requests before any download', async () => {
    const site = fakeSite(jpegs);
    await expect(main(['--split', 'test2017', '--count', '1', '--out', 'x'], io(site.fetch))).rejects.toThrow(
      new DataCocoUsageError('--split test2017: unknown split; choose from val2017, train2017.'),
    );
    await expect(
      main(args(tempDir(), '--annotations', join(FIXTURE, 'missing.zip')), io(site.fetch)),
    ).rejects.toThrow(/--annotations .*missing\.zip: no such file\./);
    expect(site.requests).toEqual([]);
    await expect(
      main(['--split', 'val2017', '--count', '10', '--out', tempDir()], io(site.fetch)),
    ).rejects.toThrow(new DataCocoUsageError('--count 10: val2017 is too small (it has 6 images).'));
    expect(imageRequests(site.requests)).toEqual([]);
  });
});
