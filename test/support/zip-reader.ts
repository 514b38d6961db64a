/**
 * Reads ZIP archives for the tests: ours, to re-open an export and check it, and the common ones
 * other tools write (stored or deflated, data descriptors, extra fields, comments). The central directory is
 * the truth for names, sizes and CRCs, as in every mainstream reader; each local header is still checked to
 * name the same file. ZIP64, split archives and encryption are refused with a ZipFormatError. Stored entries
 * come back as views of the archive's bytes (no copy); every entry's CRC-32 is checked when it is read.
 */
import { crc32 } from '../../src/lib/ingest/crc32';
import { ZipMethodError } from '../../src/lib/export/errors';
import {
  CENTRAL_HEADER_SIGNATURE,
  CENTRAL_HEADER_SIZE,
  END_OF_CENTRAL_DIRECTORY_SIGNATURE,
  END_OF_CENTRAL_DIRECTORY_SIZE,
  FLAG_ENCRYPTED,
  FLAG_UTF8_NAME,
  LOCAL_HEADER_SIGNATURE,
  LOCAL_HEADER_SIZE,
  METHOD_DEFLATE,
  METHOD_STORE,
  ZIP64_END_LOCATOR_SIGNATURE,
  fromDosDateTime,
} from '../../src/lib/export/zip-format';

/** The bytes are not a ZIP archive this reader understands (truncated, bad signature, ZIP64, split, encrypted). */
export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

/** An entry's bytes do not match the CRC-32 or the size its headers give: the archive is damaged. */
export class ZipChecksumError extends Error {
  override readonly name = 'ZipChecksumError';
}

/** The archive has no entry of that name. */
export class ZipEntryNotFoundError extends Error {
  override readonly name = 'ZipEntryNotFoundError';
}

/** Raw INFLATE (RFC 1951) of `data`; DecompressionStream('deflate-raw') in the browser, zlib in Node. */
export type InflateRaw = (data: Uint8Array) => Promise<Uint8Array>;

export interface ZipEntryInfo {
  readonly name: string;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  /** As UTC ms (DOS time has no zone; our writer writes UTC). */
  readonly modifiedAt: number;
  /** Byte offset of the local header. */
  readonly offset: number;
}

const MAX_COMMENT = 0xffff;
const utf8 = new TextDecoder('utf-8');
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function findEndOfCentralDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - END_OF_CENTRAL_DIRECTORY_SIZE - MAX_COMMENT);
  for (let at = view.byteLength - END_OF_CENTRAL_DIRECTORY_SIZE; at >= lowest; at--) {
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY_SIGNATURE) return at;
  }
  throw new ZipFormatError(
    view.byteLength < END_OF_CENTRAL_DIRECTORY_SIZE
      ? `This file is ${view.byteLength} bytes: too short to be a zip.`
      : 'This is not a zip archive (no end-of-central-directory record), or it was cut short.',
  );
}

export class ZipReader {
  readonly entries: readonly ZipEntryInfo[];
  readonly comment: string;
  readonly #bytes: Uint8Array;
  readonly #byName: ReadonlyMap<string, ZipEntryInfo>;
  readonly #inflateRaw: InflateRaw | undefined;

  private constructor(bytes: Uint8Array, entries: ZipEntryInfo[], comment: string, inflateRaw?: InflateRaw) {
    this.#bytes = bytes;
    this.entries = entries;
    this.comment = comment;
    this.#byName = new Map(entries.map((e) => [e.name, e]));
    this.#inflateRaw = inflateRaw;
  }

  /** Parses the directory (no entry is decompressed yet). */
  static open(bytes: Uint8Array, options: { inflateRaw?: InflateRaw } = {}): ZipReader {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const eocd = findEndOfCentralDirectory(view);
    const disk = view.getUint16(eocd + 4, true);
    const cdDisk = view.getUint16(eocd + 6, true);
    const countOnDisk = view.getUint16(eocd + 8, true);
    const count = view.getUint16(eocd + 10, true);
    const cdSize = view.getUint32(eocd + 12, true);
    const cdOffset = view.getUint32(eocd + 16, true);
    const commentLength = view.getUint16(eocd + 20, true);
    if (eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_END_LOCATOR_SIGNATURE) {
      throw new ZipFormatError(
        'This zip uses ZIP64 (files or an archive over 4 GiB), which this reader does not read.',
      );
    }
    if (disk !== 0 || cdDisk !== 0 || countOnDisk !== count) {
      throw new ZipFormatError('This zip is split over several files; join the parts first.');
    }
    if (cdOffset + cdSize > eocd)
      throw new ZipFormatError('The zip directory lies outside the file: it was cut short.');
    const entries: ZipEntryInfo[] = [];
    let at = cdOffset;
    for (let i = 0; i < count; i++) {
      if (at + CENTRAL_HEADER_SIZE > eocd || view.getUint32(at, true) !== CENTRAL_HEADER_SIGNATURE) {
        throw new ZipFormatError(`Zip directory record ${i + 1} of ${count} is damaged.`);
      }
      const flags = view.getUint16(at + 8, true);
      const nameLength = view.getUint16(at + 28, true);
      const extraLength = view.getUint16(at + 30, true);
      const entryCommentLength = view.getUint16(at + 32, true);
      const nameBytes = bytes.subarray(at + CENTRAL_HEADER_SIZE, at + CENTRAL_HEADER_SIZE + nameLength);
      // Names without the UTF-8 flag are CP437 by the spec; ASCII reads the same either way, and we decode
      // the rest as UTF-8, which is what most tools that omit the flag actually write.
      const name = (flags & FLAG_UTF8_NAME ? utf8Strict : utf8).decode(nameBytes);
      const entry: ZipEntryInfo = {
        name,
        method: view.getUint16(at + 10, true),
        modifiedAt: fromDosDateTime({
          time: view.getUint16(at + 12, true),
          date: view.getUint16(at + 14, true),
        }),
        crc32: view.getUint32(at + 16, true),
        compressedSize: view.getUint32(at + 20, true),
        size: view.getUint32(at + 24, true),
        offset: view.getUint32(at + 42, true),
      };
      if (flags & FLAG_ENCRYPTED)
        throw new ZipFormatError(`"${name}" is encrypted; this reader does not decrypt.`);
      if ([entry.compressedSize, entry.size, entry.offset].includes(0xffffffff)) {
        throw new ZipFormatError(`"${name}" uses ZIP64 sizes, which this reader does not read.`);
      }
      entries.push(entry);
      at += CENTRAL_HEADER_SIZE + nameLength + extraLength + entryCommentLength;
    }
    const comment = utf8.decode(
      bytes.subarray(
        eocd + END_OF_CENTRAL_DIRECTORY_SIZE,
        eocd + END_OF_CENTRAL_DIRECTORY_SIZE + commentLength,
      ),
    );
    return new ZipReader(bytes, entries, comment, options.inflateRaw);
  }

  /** File entries only (names ending in "/" are folders some tools write explicitly). */
  get files(): readonly ZipEntryInfo[] {
    return this.entries.filter((e) => !e.name.endsWith('/'));
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  info(name: string): ZipEntryInfo {
    const entry = this.#byName.get(name);
    if (!entry) throw new ZipEntryNotFoundError(`The zip has no file "${name}".`);
    return entry;
  }

  /** The entry's bytes, decompressed, with its size and CRC-32 checked. */
  async read(name: string): Promise<Uint8Array> {
    const entry = this.info(name);
    const data = await this.#decompress(entry, this.#payload(entry));
    if (data.length !== entry.size) {
      throw new ZipChecksumError(
        `"${name}" is ${data.length} bytes; the zip says ${entry.size}. The archive is damaged.`,
      );
    }
    if (crc32(data) !== entry.crc32) {
      throw new ZipChecksumError(`"${name}" does not match its CRC-32: the archive is damaged.`);
    }
    return data;
  }

  async readText(name: string): Promise<string> {
    return utf8.decode(await this.read(name));
  }

  async readJson(name: string): Promise<unknown> {
    return JSON.parse(await this.readText(name)) as unknown;
  }

  /** Every file, by name, in archive order. */
  async readAll(): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    for (const e of this.files) out.set(e.name, await this.read(e.name));
    return out;
  }

  #payload(entry: ZipEntryInfo): Uint8Array {
    const view = new DataView(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.byteLength);
    const at = entry.offset;
    if (at + LOCAL_HEADER_SIZE > this.#bytes.length || view.getUint32(at, true) !== LOCAL_HEADER_SIGNATURE) {
      throw new ZipFormatError(`The local header of "${entry.name}" is missing: the archive is damaged.`);
    }
    const nameLength = view.getUint16(at + 26, true);
    const extraLength = view.getUint16(at + 28, true);
    const localName = this.#bytes.subarray(at + LOCAL_HEADER_SIZE, at + LOCAL_HEADER_SIZE + nameLength);
    if (utf8.decode(localName) !== entry.name && nameLength !== 0) {
      throw new ZipFormatError(`The local header at ${at} names another file than "${entry.name}".`);
    }
    const start = at + LOCAL_HEADER_SIZE + nameLength + extraLength;
    const end = start + entry.compressedSize;
    if (end > this.#bytes.length)
      throw new ZipFormatError(`"${entry.name}" runs past the end of the archive.`);
    return this.#bytes.subarray(start, end);
  }

  async #decompress(entry: ZipEntryInfo, payload: Uint8Array): Promise<Uint8Array> {
    if (entry.method === METHOD_STORE) return payload;
    if (entry.method === METHOD_DEFLATE) {
      if (!this.#inflateRaw) {
        throw new ZipMethodError(`"${entry.name}" is deflated, but no inflater was given to the zip reader.`);
      }
      return this.#inflateRaw(payload);
    }
    throw new ZipMethodError(
      `"${entry.name}" uses compression method ${entry.method}; only store and deflate are read.`,
    );
  }
}
