/**
 * The parts of the ZIP format (PKWARE APPNOTE 6.3, sections 4.3 and 4.4) that our writer and reader share:
 * record signatures and sizes, DOS timestamps, entry-name rules and the 32-bit limits. We write no ZIP64: a
 * file or an archive past 4 GiB is refused before anything is written, rather than written wrong.
 */
import { ZipNameError, ZipSizeLimitError } from './errors';

export const LOCAL_HEADER_SIGNATURE = 0x04034b50;
export const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
export const END_OF_CENTRAL_DIRECTORY_SIGNATURE = 0x06054b50;
export const ZIP64_END_LOCATOR_SIGNATURE = 0x07064b50;

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const END_OF_CENTRAL_DIRECTORY_SIZE = 22;

export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;

/** General-purpose flag bits. */
export const FLAG_ENCRYPTED = 0x0001;
export const FLAG_UTF8_NAME = 0x0800;

/** 0xFFFFFFFF and 0xFFFF are ZIP64 markers in the 32-bit fields, so the largest honest values are one less. */
export const MAX_ZIP32_SIZE = 0xfffffffe;
export const MAX_ZIP32_ENTRIES = 0xfffe;
export const MAX_NAME_BYTES = 0xffff;

/** "Made by" Unix (3), spec version 2.0, so that extractors apply the permission bits below. */
export const VERSION_MADE_BY = (3 << 8) | 20;
export const VERSION_NEEDED = 20;
/** Regular file, rw-r--r--, in the high 16 bits of the external attributes (Unix convention). */
export const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;

/** 1980-01-01 00:00:00 UTC, the earliest DOS time: the default, so that the same files give the same bytes. */
export const DOS_EPOCH_MS = Date.UTC(1980, 0, 1);

export interface DosDateTime {
  readonly date: number;
  readonly time: number;
}

/** A UTC time as DOS date and time fields (2-second resolution; clamped to 1980–2107). */
export function toDosDateTime(ms: number): DosDateTime {
  const d = new Date(Math.min(Math.max(ms, DOS_EPOCH_MS), Date.UTC(2107, 11, 31, 23, 59, 58)));
  return {
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
  };
}

/** DOS date and time fields as a UTC time in ms (as our writer wrote them). */
export function fromDosDateTime({ date, time }: DosDateTime): number {
  return Date.UTC(
    (date >> 9) + 1980,
    ((date >> 5) & 0x0f) - 1,
    date & 0x1f,
    time >> 11,
    (time >> 5) & 0x3f,
    (time & 0x1f) * 2,
  );
}

/**
 * Checks one entry name: relative, forward slashes, no empty, `.` or `..` segment, no trailing slash (we write
 * files only; folders are implied by the paths), no control characters.
 */
export function validateEntryName(name: string): void {
  const problem =
    name.length === 0
      ? 'is empty'
      : name.startsWith('/')
        ? 'is absolute'
        : name.includes('\\')
          ? 'contains a backslash'
          : name.endsWith('/')
            ? 'ends with a slash (folders are implied by file paths)'
            : name.split('/').some((s) => s === '' || s === '.' || s === '..')
              ? 'has an empty, "." or ".." segment'
              : // eslint-disable-next-line no-control-regex
                /[\u0000-\u001f\u007f]/.test(name)
                ? 'contains a control character'
                : null;
  if (problem) throw new ZipNameError(`The zip entry name "${name}" ${problem}.`);
}

export interface EntrySizes {
  readonly name: string;
  /** UTF-8 length of the name. */
  readonly nameBytes: number;
  /** Bytes as stored in the archive. */
  readonly compressedSize: number;
  /** Bytes once extracted. */
  readonly size: number;
}

export interface Zip32Layout {
  /** Byte offset of each entry's local header. */
  readonly offsets: readonly number[];
  readonly centralDirectoryOffset: number;
  readonly centralDirectorySize: number;
  readonly totalSize: number;
}

const GIB = 1024 ** 3;
const asGiB = (bytes: number) => `${(bytes / GIB).toFixed(2)} GiB`;

/**
 * Where every record goes, or a ZipSizeLimitError naming what does not fit in a ZIP without ZIP64: a file of
 * 4 GiB or more, an archive whose central directory would start or end past 4 GiB, more than 65,534 entries.
 */
export function planZip32(entries: readonly EntrySizes[], commentBytes = 0): Zip32Layout {
  if (entries.length > MAX_ZIP32_ENTRIES) {
    throw new ZipSizeLimitError(
      `${entries.length} files do not fit in one zip (at most ${MAX_ZIP32_ENTRIES} without ZIP64).`,
    );
  }
  const offsets: number[] = [];
  let offset = 0;
  let centralDirectorySize = 0;
  for (const e of entries) {
    if (e.size > MAX_ZIP32_SIZE || e.compressedSize > MAX_ZIP32_SIZE) {
      throw new ZipSizeLimitError(
        `"${e.name}" is ${asGiB(Math.max(e.size, e.compressedSize))}; a zip without ZIP64 holds files under 4 GiB. ` +
          'Export it on its own, or export a smaller data type.',
      );
    }
    if (e.nameBytes > MAX_NAME_BYTES) throw new ZipNameError(`The zip entry name "${e.name}" is too long.`);
    offsets.push(offset);
    offset += LOCAL_HEADER_SIZE + e.nameBytes + e.compressedSize;
    centralDirectorySize += CENTRAL_HEADER_SIZE + e.nameBytes;
  }
  const centralDirectoryOffset = offset;
  const totalSize = offset + centralDirectorySize + END_OF_CENTRAL_DIRECTORY_SIZE + commentBytes;
  if (
    centralDirectoryOffset > MAX_ZIP32_SIZE ||
    centralDirectoryOffset + centralDirectorySize > MAX_ZIP32_SIZE
  ) {
    throw new ZipSizeLimitError(
      `The files add up to ${asGiB(totalSize)}; a zip without ZIP64 holds under 4 GiB in all. ` +
        'Export the model and the captions separately, or leave the images out.',
    );
  }
  return { offsets, centralDirectoryOffset, centralDirectorySize, totalSize };
}
