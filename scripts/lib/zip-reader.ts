/**
 * Takes single entries out of a ZIP archive through random-access reads, with yauzl. COCO's annotations zip is
 * 250 MB and holds the train2017 files (450 MB of JSON) beside the val2017 ones. yauzl reads an archive through a
 * `RandomAccessReader`, one byte range at a time: the end records, the central directory, then only the wanted
 * entries' local headers and data. Backed by HTTP Range requests, that lets `npm run data:coco` fetch a few MB
 * instead of the whole archive, and read a local copy without unpacking it. (Zip libraries that take a buffer,
 * such as fflate or jszip, would need the whole archive first.)
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry } from 'yauzl';

/** Random-access bytes: a local file or a URL read with Range requests. */
export interface ByteSource {
  /** For error messages: the file or URL. */
  readonly name: string;
  readonly size: number;
  /** Exactly `length` bytes from `offset`. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** yauzl's entry: `fileName`, `compressedSize`, `uncompressedSize`, `relativeOffsetOfLocalHeader`, … */
export type ZipEntry = Entry;

export interface ZipArchive {
  readonly entries: readonly ZipEntry[];
  /** The entry's bytes, inflated, checked against the size and the CRC-32 the central directory records. */
  read(entry: ZipEntry): Promise<Buffer>;
}

export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

/** Compressed bytes are read this many at a time: one Range request each, so a retry repeats at most this. */
export const ZIP_READ_CHUNK = 8 * 1024 * 1024;

/** yauzl's first read, from the end: the ZIP64 locator, the end record and the longest comment it can carry. */
export const ZIP_TAIL = 20 + 22 + 0xffff;

/** yauzl's byte ranges, served by the source in reads of at most `chunk` bytes. */
class SourceReader extends yauzl.RandomAccessReader {
  /** The last read's own error: a URL and an HTTP status say more than the stream error yauzl passes on. */
  failure: unknown;

  constructor(
    readonly source: ByteSource,
    readonly chunk: number,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const { source, chunk } = this;
    const fail = (error: unknown) => {
      this.failure = error;
      return error;
    };
    return Readable.from(
      (async function* () {
        if (end > source.size)
          throw fail(
            new ZipFormatError(
              `${source.name}: the archive points to bytes ${start}-${end} but ends at byte ${source.size} ` +
                '(a truncated download?)',
            ),
          );
        for (let at = start; at < end; at += chunk) {
          const bytes = await source.read(at, Math.min(chunk, end - at)).catch((e: unknown) => {
            throw fail(e);
          });
          yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        }
      })(),
      { objectMode: false },
    );
  }
}

/** Runs yauzl's part; its errors become ZipFormatErrors naming `what`, a failed read's error stays as it was. */
async function guard<T>(reader: SourceReader, what: string, work: () => Promise<T>): Promise<T> {
  reader.failure = undefined;
  try {
    return await work();
  } catch (error) {
    throw reader.failure ?? new ZipFormatError(`${what}: ${(error as Error).message}`);
  }
}

/** Reads the archive's central directory; `read` then takes out one entry's bytes. */
export async function openZip(source: ByteSource, chunk: number = ZIP_READ_CHUNK): Promise<ZipArchive> {
  const reader = new SourceReader(source, chunk);
  const { zip, entries } = await guard(reader, source.name, async () => {
    // Not autoClose: entries are read after the listing; whoever made the source closes it.
    const zip = await yauzl.fromRandomAccessReaderPromise(reader, source.size, { autoClose: false });
    const entries: ZipEntry[] = [];
    for await (const entry of zip.eachEntry()) entries.push(entry);
    return { zip, entries };
  });
  return {
    entries,
    read: (entry) =>
      guard(reader, `${source.name}: ${entry.fileName}`, async () => {
        // yauzl checks the inflated size against the directory's, but not the CRC-32 (its README says so).
        const bytes = await buffer(await zip.openReadStreamPromise(entry)).catch((error: Error) => {
          // zlib's messages ("invalid distance too far back") do not say what failed.
          const zlib = (error as { code?: unknown }).code?.toString().startsWith('Z_');
          throw zlib ? new Error(`does not inflate (${error.message})`) : error;
        });
        if (crc32(bytes) !== entry.crc32) throw new Error('fails its CRC-32 check (damaged archive)');
        return bytes;
      }),
  };
}
