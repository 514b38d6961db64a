/**
 * `npm run data:coco` in Node (loaded by scripts/data-coco.mjs through Vite's SSR loader): takes the split's
 * instances and captions out of COCO's official annotations zip (HTTP Range reads of just those entries, or a
 * local copy with --annotations), picks the images by seed (scripts/lib/coco-subset.ts), downloads each photo
 * from the COCO site and writes a folder in standard COCO layout: DIR/images/<file_name>, DIR/instances.json,
 * DIR/captions.json. The network comes in through `DataCocoIo`, so the tests run all of it offline against a
 * fake fetch and a fixture zip.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import type { CocoFile, CocoImageRecord, CocoSplit } from './lib/coco-subset';
import {
  ANNOTATIONS_URL,
  asCocoFile,
  chooseImages,
  COCO_SPLITS,
  DataCocoError,
  DataCocoUsageError,
  isJpeg,
  parseDataCocoArgs,
  subsetCocoFile,
  subsetDescription,
} from './lib/coco-subset';
import type { ByteSource, ZipArchive } from './lib/zip-reader';
import { openZip, ZIP_TAIL } from './lib/zip-reader';

export { DataCocoError, DataCocoUsageError } from './lib/coco-subset';
export { ZipFormatError } from './lib/zip-reader';

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface DataCocoIo {
  readonly fetch: Fetch;
  /** Progress lines (stderr), so that stdout keeps only the JSON summary. */
  readonly log: (line: string) => void;
  /** Waits before a retry; the tests pass one that does not wait. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Tries per request, the first included. */
  readonly tries: number;
  /** Photos downloaded at once. */
  readonly concurrency: number;
}

export const NODE_IO: DataCocoIo = {
  fetch: (url, init) => fetch(url, init),
  log: (line) => process.stderr.write(`${line}\n`),
  sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
  tries: 4,
  concurrency: 8,
};

/** The tail read first: what yauzl reads first (the end records); COCO's central directory fits in it too. */
const TAIL = ZIP_TAIL;

function describe(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message}: ${cause}` : String(e.message ?? error);
}

/** A response whose status says retrying may help: server errors, timeouts, rate limits. */
const transient = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * GET `url` (a byte range of it when `range` is given) and its whole body, retrying network errors, transient
 * statuses and bodies cut short (shorter than Content-Length). Anything else fails at once, naming the URL.
 */
async function fetchBytes(
  io: DataCocoIo,
  url: string,
  range?: string,
): Promise<{ bytes: Uint8Array; headers: Headers }> {
  const what = range ? `GET ${url} (Range: ${range})` : `GET ${url}`;
  let last = '';
  for (let attempt = 1; attempt <= io.tries; attempt++) {
    if (attempt > 1) await io.sleep(1000 * 2 ** (attempt - 2));
    let response: Response;
    try {
      response = await io.fetch(url, range ? { headers: { Range: range } } : {});
    } catch (error) {
      last = `network error (${describe(error)})`;
      continue;
    }
    const expected = range ? 206 : 200;
    if (response.status !== expected) {
      await response.body?.cancel();
      const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      if (range && response.status === 200)
        throw new DataCocoError(
          `${what}: the server ignored the Range request (${status}); download ${url} yourself and pass ` +
            '--annotations FILE.',
        );
      if (!transient(response.status)) throw new DataCocoError(`${what}: ${status}`);
      last = status;
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      last = `connection lost while reading the body (${describe(error)})`;
      continue;
    }
    // fetch decodes a compressed body, and then Content-Length is the compressed size.
    const length = response.headers.get('content-length');
    if (length !== null && !response.headers.get('content-encoding') && Number(length) !== bytes.length) {
      last = `body cut short (${bytes.length} of ${length} bytes)`;
      continue;
    }
    return { bytes, headers: response.headers };
  }
  throw new DataCocoError(`${what}: ${last} (${io.tries} tries)`);
}

/** A URL read with Range requests; its first request, for the tail, also gives the size (Content-Range). */
export async function httpSource(url: string, io: DataCocoIo): Promise<ByteSource> {
  const range = `bytes=-${TAIL}`;
  const { bytes: tail, headers } = await fetchBytes(io, url, range);
  const total = /\/(\d+)\s*$/.exec(headers.get('content-range') ?? '')?.[1];
  if (total === undefined)
    throw new DataCocoError(`GET ${url} (Range: ${range}): no total size in Content-Range`);
  const size = Number(total);
  const tailStart = size - tail.length;
  return {
    name: url,
    size,
    async read(offset, length) {
      if (length === 0) return new Uint8Array(0);
      if (offset >= tailStart && offset + length <= size)
        return tail.subarray(offset - tailStart, offset - tailStart + length);
      const { bytes } = await fetchBytes(io, url, `bytes=${offset}-${offset + length - 1}`);
      if (bytes.length !== length)
        throw new DataCocoError(`GET ${url}: asked for ${length} bytes at ${offset}, got ${bytes.length}`);
      return bytes;
    },
  };
}

/** A local file read at offsets; `close` when done. */
export async function fileSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new DataCocoUsageError(`--annotations ${path}: no such file.`);
  }
  const handle = await open(path, 'r');
  return {
    name: path,
    size,
    async read(offset, length) {
      const bytes = new Uint8Array(length);
      for (let done = 0; done < length;) {
        const { bytesRead } = await handle.read(bytes, done, length - done, offset + done);
        if (bytesRead === 0) throw new DataCocoError(`${path}: ends before byte ${offset + length}`);
        done += bytesRead;
      }
      return bytes;
    },
    close: () => handle.close(),
  };
}

async function readJsonEntry(
  source: ByteSource,
  zip: ZipArchive,
  name: string,
  io: DataCocoIo,
): Promise<unknown> {
  const entry = zip.entries.find((e) => e.fileName === name);
  if (entry === undefined)
    throw new DataCocoError(
      `${source.name} has no ${name} (it holds ${zip.entries.map((e) => e.fileName).join(', ') || 'nothing'}).`,
    );
  // JSON.parse holds the text and its objects at once: several times the file. Warn, since running out of
  // heap kills Node without a catchable error.
  const heap = getHeapStatistics().heap_size_limit;
  if (entry.uncompressedSize * 6 > heap)
    io.log(
      `${name} is ${Math.round(entry.uncompressedSize / 1e6)} MB of JSON and this Node's heap is ${Math.round(heap / 1e6)} MB; ` +
        'if it runs out of memory, rerun with NODE_OPTIONS=--max-old-space-size=8192',
    );
  io.log(`reading ${name} (${(entry.compressedSize / 1e6).toFixed(1)} MB compressed)`);
  const bytes = await zip.read(entry);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new DataCocoError(`${source.name}: ${name} is not JSON (${(error as Error).message})`);
  }
}

async function readAnnotations(
  annotations: string | undefined,
  split: CocoSplit,
  io: DataCocoIo,
): Promise<{ instances: CocoFile; captions: CocoFile }> {
  const local = annotations === undefined ? undefined : await fileSource(annotations);
  try {
    const source = local ?? (await httpSource(ANNOTATIONS_URL, io));
    const zip = await openZip(source);
    const read = (name: string) => readJsonEntry(source, zip, name, io);
    const instances = asCocoFile(await read(split.instancesEntry), split.instancesEntry, true);
    const captions = asCocoFile(await read(split.captionsEntry), split.captionsEntry, false);
    return { instances, captions };
  } finally {
    await local?.close();
  }
}

/** Keeps a photo already there when it is a JPEG (a download is renamed into place only once checked). */
async function downloadImage(io: DataCocoIo, url: string, target: string): Promise<'downloaded' | 'kept'> {
  if (existsSync(target)) {
    if (isJpeg(await readFile(target))) return 'kept';
    io.log(`${target} is not a JPEG: downloading it again`);
  }
  const { bytes, headers } = await fetchBytes(io, url);
  if (bytes.length === 0) throw new DataCocoError(`GET ${url}: empty body`);
  if (!isJpeg(bytes))
    throw new DataCocoError(
      `GET ${url}: not a JPEG (${bytes.length} bytes of ${headers.get('content-type') ?? 'unknown type'})`,
    );
  const partial = `${target}.part`;
  await writeFile(partial, bytes);
  await rename(partial, target);
  return 'downloaded';
}

/**
 * Downloads the photos `io.concurrency` at a time. After the first failure no new download starts (when the
 * network is down every one would spend its retries), and the error says that a rerun resumes.
 */
async function downloadImages(
  io: DataCocoIo,
  baseUrl: string,
  dir: string,
  images: readonly CocoImageRecord[],
): Promise<{ downloaded: number; kept: number }> {
  const counts = { downloaded: 0, kept: 0 };
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < images.length) {
      const image = images[next++]!;
      try {
        counts[await downloadImage(io, `${baseUrl}/${image.file_name}`, join(dir, image.file_name))]++;
      } catch (error) {
        failure ??= error;
        continue;
      }
      const done = counts.downloaded + counts.kept;
      if (done % 100 === 0 || done === images.length)
        io.log(`images: ${done}/${images.length} (${counts.kept} already there)`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, io.concurrency) }, worker));
  if (failure !== undefined) {
    const why = failure instanceof Error ? failure.message : String(failure);
    throw new DataCocoError(
      `${why}\n${counts.downloaded + counts.kept} of ${images.length} images are in ${dir}; ` +
        'rerun the same command to resume.',
    );
  }
  return counts;
}

/** Written beside and renamed, so that a folder never holds half a file. */
async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(`${path}.part`, JSON.stringify(value));
  await rename(`${path}.part`, path);
}

export interface DataCocoSummary {
  readonly out: string;
  readonly split: string;
  readonly seed: number;
  readonly minCategories: number;
  readonly images: number;
  readonly downloaded: number;
  readonly kept: number;
  readonly annotations: number;
  readonly captions: number;
  readonly categories: number;
}

export async function main(argv: readonly string[], io: DataCocoIo = NODE_IO): Promise<DataCocoSummary> {
  const options = parseDataCocoArgs(argv);
  const split = COCO_SPLITS[options.split]!;
  const out = resolve(options.out);
  const { instances, captions } = await readAnnotations(options.annotations, split, io);
  const chosen = chooseImages(instances, options);
  const imagesDir = join(out, 'images');
  mkdirSync(imagesDir, { recursive: true });
  const wanted = new Set(chosen.map((im) => im.file_name));
  const strays = readdirSync(imagesDir).filter((f) => !wanted.has(f) && !f.endsWith('.part'));
  if (strays.length > 0)
    io.log(
      `${strays.length} files in ${imagesDir} are not in this selection (left there; instances.json omits them)`,
    );
  const counts = await downloadImages(io, split.images, imagesDir, chosen);
  // The annotation files come last: a folder with instances.json has every photo it lists.
  const ids = new Set(chosen.map((im) => im.id));
  const description = subsetDescription(options);
  const instancesOut = subsetCocoFile(instances, ids, description);
  const captionsOut = subsetCocoFile(captions, ids, description);
  await writeJson(join(out, 'instances.json'), instancesOut);
  await writeJson(join(out, 'captions.json'), captionsOut);
  return {
    out,
    split: options.split,
    seed: options.seed,
    minCategories: options.minCategories,
    images: chosen.length,
    ...counts,
    annotations: instancesOut.annotations.length,
    captions: captionsOut.annotations.length,
    categories: instancesOut.categories?.length ?? 0,
  };
}
