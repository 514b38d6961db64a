/**
 * Independent ZIP readers for the tests: Python's zipfile (CRC-checked by testzip, contents hashed) and
 * Info-ZIP's `unzip -t`. Whichever is missing is reported, and the tests that need it are skipped with that
 * message, never passed silently.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

function available(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

export const HAS_PYTHON_ZIPFILE = available('python3', ['-c', 'import zipfile, hashlib, json']);
export const HAS_UNZIP = available('unzip', ['-v']);

export const deflateRaw = async (data: Uint8Array) => new Uint8Array(deflateRawSync(data));
export const inflateRaw = async (data: Uint8Array) => new Uint8Array(inflateRawSync(data));

export { webDeflateRaw, webInflateRaw } from '../../support/web-deflate';

export interface PythonZipEntry {
  name: string;
  size: number;
  compress_size: number;
  compress_type: number;
  crc: number;
  date_time: number[];
  sha256: string;
  external_attr: number;
}

const PY_LIST = `
import sys, zipfile, hashlib, json
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    out = []
    for i in z.infolist():
        out.append(dict(name=i.filename, size=i.file_size, compress_size=i.compress_size, compress_type=i.compress_type,
                        crc=i.CRC, date_time=list(i.date_time), external_attr=i.external_attr,
                        sha256=hashlib.sha256(z.read(i)).hexdigest()))
    print(json.dumps(dict(bad=bad, comment=z.comment.decode('utf-8'), entries=out)))
`;

/** Python's view of the archive at `path`: testzip()'s first bad entry (null when every CRC matches), entries. */
export function pythonListZip(path: string): {
  bad: string | null;
  comment: string;
  entries: PythonZipEntry[];
} {
  return JSON.parse(execFileSync('python3', ['-c', PY_LIST, path], { encoding: 'utf8' })) as {
    bad: string | null;
    comment: string;
    entries: PythonZipEntry[];
  };
}

const PY_WRITE = `
import sys, zipfile, json
spec = json.loads(sys.argv[2])
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for name, text, method in spec:
        z.writestr(zipfile.ZipInfo(name, (2024, 5, 6, 7, 8, 10)), text.encode('utf-8'),
                   compress_type=zipfile.ZIP_DEFLATED if method == 'deflate' else zipfile.ZIP_STORED)
    z.comment = b'written by python'
`;

/** Writes a zip with Python's zipfile: [name, text, 'store' | 'deflate'][]. */
export function pythonWriteZip(path: string, files: [string, string, 'store' | 'deflate'][]): void {
  execFileSync('python3', ['-c', PY_WRITE, path, JSON.stringify(files)]);
}

/** `unzip -t` on the archive: its exit status (0 = no errors) and output. */
export function unzipTest(path: string): { status: number | null; output: string } {
  const r = spawnSync('unzip', ['-t', path], { encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}
