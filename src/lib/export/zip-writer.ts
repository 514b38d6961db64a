/**
 * A dependency-free ZIP writer. The archive comes back as a list of chunks (headers, then each file's bytes
 * by reference, uncopied) that the caller hands to `new Blob(chunks)`: a 1.5 GB model folder is never copied
 * into one buffer. Files are stored as they are by default: ONNX weights barely compress and images already
 * are. Deflate is the platform's (CompressionStream('deflate-raw') in the browser, zlib in Node), injected,
 * so that this module stays pure; a file is kept deflated only when that makes it smaller.
 */
import { crc32 } from '../ingest/crc32';
import { ZipMethodError, ZipNameError } from './errors';
import {
  CENTRAL_HEADER_SIGNATURE,
  CENTRAL_HEADER_SIZE,
  DOS_EPOCH_MS,
  END_OF_CENTRAL_DIRECTORY_SIGNATURE,
  END_OF_CENTRAL_DIRECTORY_SIZE,
  EXTERNAL_ATTRIBUTES,
  FLAG_UTF8_NAME,
  LOCAL_HEADER_SIGNATURE,
  LOCAL_HEADER_SIZE,
  METHOD_DEFLATE,
  METHOD_STORE,
  VERSION_MADE_BY,
  VERSION_NEEDED,
  planZip32,
  toDosDateTime,
  validateEntryName,
} from './zip-format';

/** Raw DEFLATE (RFC 1951, no zlib or gzip wrapper) of `data`. */
export type DeflateRaw = (data: Uint8Array) => Promise<Uint8Array>;

export type Compression = 'store' | 'deflate' | 'auto';

export interface ZipInputEntry {
  /** Path inside the archive, forward slashes, no leading slash. */
  readonly name: string;
  readonly data: Uint8Array;
  /** UTC time in ms; default: the options' `modifiedAt`. */
  readonly modifiedAt?: number;
  /** 'auto' (default): deflate text formats when a deflater is given, store everything else. */
  readonly compression?: Compression;
}

export interface ZipWriteOptions {
  readonly deflateRaw?: DeflateRaw;
  /** UTC time in ms stamped on entries that give none; default 1980-01-01, so equal inputs give equal bytes. */
  readonly modifiedAt?: number;
  readonly comment?: string;
}

export interface WrittenEntry {
  readonly name: string;
  readonly method: typeof METHOD_STORE | typeof METHOD_DEFLATE;
  readonly crc32: number;
  readonly size: number;
  readonly compressedSize: number;
  readonly offset: number;
}

export interface ZipOutput {
  /** The archive, in order; `new Blob(chunks, { type: 'application/zip' })` or concatenate. */
  readonly chunks: readonly Uint8Array[];
  readonly byteLength: number;
  readonly entries: readonly WrittenEntry[];
}

/** Extensions that 'auto' deflates: text that shrinks a lot. Everything else is stored. */
const TEXT_EXTENSIONS = /\.(json|jsonl|txt|md|csv|model)$/i;

const utf8 = new TextEncoder();

interface Prepared {
  readonly name: string;
  readonly nameBytes: Uint8Array;
  readonly payload: Uint8Array;
  readonly method: WrittenEntry['method'];
  readonly crc32: number;
  readonly size: number;
  readonly dos: { date: number; time: number };
}

async function prepare(entry: ZipInputEntry, options: ZipWriteOptions): Promise<Prepared> {
  const compression = entry.compression ?? 'auto';
  if (compression === 'deflate' && !options.deflateRaw) {
    throw new ZipMethodError(
      `"${entry.name}" asks for deflate, but no deflater was given to the zip writer.`,
    );
  }
  const wantDeflate =
    options.deflateRaw !== undefined &&
    (compression === 'deflate' || (compression === 'auto' && TEXT_EXTENSIONS.test(entry.name)));
  const deflated = wantDeflate && entry.data.length > 0 ? await options.deflateRaw!(entry.data) : null;
  const useDeflate = deflated !== null && deflated.length < entry.data.length;
  return {
    name: entry.name,
    nameBytes: utf8.encode(entry.name),
    payload: useDeflate ? deflated : entry.data,
    method: useDeflate ? METHOD_DEFLATE : METHOD_STORE,
    crc32: crc32(entry.data),
    size: entry.data.length,
    dos: toDosDateTime(entry.modifiedAt ?? options.modifiedAt ?? DOS_EPOCH_MS),
  };
}

/** The fields local and central headers share, from "version needed" to the extra-field length. */
function writeCommonFields(view: DataView, at: number, p: Prepared): void {
  view.setUint16(at, VERSION_NEEDED, true);
  view.setUint16(at + 2, FLAG_UTF8_NAME, true);
  view.setUint16(at + 4, p.method, true);
  view.setUint16(at + 6, p.dos.time, true);
  view.setUint16(at + 8, p.dos.date, true);
  view.setUint32(at + 10, p.crc32, true);
  view.setUint32(at + 14, p.payload.length, true);
  view.setUint32(at + 18, p.size, true);
  view.setUint16(at + 22, p.nameBytes.length, true);
  view.setUint16(at + 24, 0, true);
}

function localHeader(p: Prepared): Uint8Array {
  const bytes = new Uint8Array(LOCAL_HEADER_SIZE + p.nameBytes.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, LOCAL_HEADER_SIGNATURE, true);
  writeCommonFields(view, 4, p);
  bytes.set(p.nameBytes, LOCAL_HEADER_SIZE);
  return bytes;
}

function centralHeader(p: Prepared, offset: number): Uint8Array {
  const bytes = new Uint8Array(CENTRAL_HEADER_SIZE + p.nameBytes.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, CENTRAL_HEADER_SIGNATURE, true);
  view.setUint16(4, VERSION_MADE_BY, true);
  writeCommonFields(view, 6, p);
  // comment length, disk number start, internal attributes stay 0.
  view.setUint32(38, EXTERNAL_ATTRIBUTES, true);
  view.setUint32(42, offset, true);
  bytes.set(p.nameBytes, CENTRAL_HEADER_SIZE);
  return bytes;
}

function endOfCentralDirectory(count: number, size: number, offset: number, comment: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(END_OF_CENTRAL_DIRECTORY_SIZE + comment.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, END_OF_CENTRAL_DIRECTORY_SIGNATURE, true);
  view.setUint16(8, count, true);
  view.setUint16(10, count, true);
  view.setUint32(12, size, true);
  view.setUint32(16, offset, true);
  view.setUint16(20, comment.length, true);
  bytes.set(comment, END_OF_CENTRAL_DIRECTORY_SIZE);
  return bytes;
}

/** Writes `entries`, in the order given, as one ZIP archive. */
export async function writeZip(
  entries: readonly ZipInputEntry[],
  options: ZipWriteOptions = {},
): Promise<ZipOutput> {
  const seen = new Set<string>();
  for (const e of entries) {
    validateEntryName(e.name);
    // Case-folded: the same archive extracted on macOS or Windows would silently lose one of the two.
    const key = e.name.toLowerCase();
    if (seen.has(key)) throw new ZipNameError(`Two files would be written as "${e.name}".`);
    seen.add(key);
  }
  const comment = utf8.encode(options.comment ?? '');
  if (comment.length > 0xffff) throw new ZipNameError('The zip comment is longer than 65,535 bytes.');
  // Sizes are checked before any deflate runs; deflate only ever shrinks what is kept, so the plan holds.
  planZip32(
    entries.map((e) => ({
      name: e.name,
      nameBytes: utf8.encode(e.name).length,
      compressedSize: e.data.length,
      size: e.data.length,
    })),
    comment.length,
  );
  const prepared: Prepared[] = [];
  for (const e of entries) prepared.push(await prepare(e, options));
  const layout = planZip32(
    prepared.map((p) => ({
      name: p.name,
      nameBytes: p.nameBytes.length,
      compressedSize: p.payload.length,
      size: p.size,
    })),
    comment.length,
  );
  const chunks: Uint8Array[] = [];
  prepared.forEach((p) => chunks.push(localHeader(p), p.payload));
  prepared.forEach((p, i) => chunks.push(centralHeader(p, layout.offsets[i]!)));
  chunks.push(
    endOfCentralDirectory(
      prepared.length,
      layout.centralDirectorySize,
      layout.centralDirectoryOffset,
      comment,
    ),
  );
  return {
    chunks,
    byteLength: layout.totalSize,
    entries: prepared.map((p, i) => ({
      name: p.name,
      method: p.method,
      crc32: p.crc32,
      size: p.size,
      compressedSize: p.payload.length,
      offset: layout.offsets[i]!,
    })),
  };
}

/** The chunks as one buffer (tests, small archives); for big ones hand the chunks to a Blob instead. */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
