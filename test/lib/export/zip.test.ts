import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/lib/ingest/crc32';
import { Rng } from '../../support/rng';
import { ZipMethodError, ZipNameError, ZipSizeLimitError } from '../../../src/lib/export/errors';
import {
  MAX_ZIP32_ENTRIES,
  fromDosDateTime,
  planZip32,
  toDosDateTime,
} from '../../../src/lib/export/zip-format';
import { ZipChecksumError, ZipFormatError, ZipReader } from '../../support/zip-reader';
import { concatChunks, writeZip, type ZipInputEntry } from '../../../src/lib/export/zip-writer';
import {
  HAS_PYTHON_ZIPFILE,
  HAS_UNZIP,
  deflateRaw,
  inflateRaw,
  pythonListZip,
  pythonWriteZip,
  unzipTest,
  webDeflateRaw,
  webInflateRaw,
} from './zip-tools';

const dir = mkdtempSync(join(tmpdir(), 'capgrad-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Seeded bytes (mulberry32: the low byte of each 32-bit draw): incompressible, the same on every run. */
function randomBytes(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n }, () => (rng.next() * 2 ** 32) & 0xff);
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const text = (s: string) => new TextEncoder().encode(s);
const MAY_2024 = Date.UTC(2024, 4, 6, 7, 8, 10);

const ENTRIES: ZipInputEntry[] = [
  {
    name: 'config.json',
    data: text(JSON.stringify({ model_type: 'vision-encoder-decoder', pad: 'x'.repeat(400) })),
  },
  { name: 'onnx/decoder_model_merged.onnx', data: randomBytes(70_000, 1) },
  { name: 'empty.txt', data: new Uint8Array(0) },
  { name: 'captions/café ☕.txt', data: text('deux chats sur un canapé\n'.repeat(20)) },
  { name: 'images/a.bin', data: randomBytes(333, 2) },
];

type Codec = 'none' | 'zlib' | 'web';
const DEFLATERS = { zlib: deflateRaw, web: webDeflateRaw };
const INFLATERS = { none: undefined, zlib: inflateRaw, web: webInflateRaw };

async function writeToFile(name: string, entries: ZipInputEntry[], codec: Codec) {
  const out = await writeZip(entries, {
    modifiedAt: MAY_2024,
    comment: 'CapGrad test',
    ...(codec !== 'none' ? { deflateRaw: DEFLATERS[codec] } : {}),
  });
  const bytes = concatChunks(out.chunks);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { out, bytes, path };
}

describe('CRC-32 used by the writer', () => {
  it('gives the standard check value and matches zlib through Python for every entry', async () => {
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('zip round trip', () => {
  for (const codec of ['none', 'zlib', 'web'] as const) {
    const withDeflate = codec !== 'none';
    const label = withDeflate ? `deflate by ${codec === 'web' ? 'CompressionStream' : 'zlib'}` : 'stored';

    it(`reads back every byte through our reader (${label})`, async () => {
      const { out, bytes } = await writeToFile(`ours-${codec}.zip`, ENTRIES, codec);
      expect(out.byteLength).toBe(bytes.length);
      const zip = ZipReader.open(bytes, { inflateRaw: INFLATERS[codec] });
      expect(zip.comment).toBe('CapGrad test');
      expect(zip.entries.map((e) => e.name)).toEqual(ENTRIES.map((e) => e.name));
      for (const e of ENTRIES) {
        expect(sha256(await zip.read(e.name))).toBe(sha256(e.data));
        expect(zip.info(e.name).modifiedAt).toBe(MAY_2024);
        expect(zip.info(e.name).crc32).toBe(crc32(e.data));
      }
      const methods = Object.fromEntries(out.entries.map((e) => [e.name, e.method]));
      // 'auto' deflates JSON and text only.
      expect(methods).toEqual({
        'config.json': withDeflate ? 8 : 0,
        'onnx/decoder_model_merged.onnx': 0,
        'empty.txt': 0,
        'captions/café ☕.txt': withDeflate ? 8 : 0,
        'images/a.bin': 0,
      });
    });

    it.skipIf(!HAS_PYTHON_ZIPFILE)(
      `is read by Python's zipfile with every CRC checked (${label})`,
      async () => {
        const { path } = await writeToFile(`py-${codec}.zip`, ENTRIES, codec);
        const listed = pythonListZip(path);
        expect(listed.bad).toBeNull();
        expect(listed.comment).toBe('CapGrad test');
        expect(listed.entries.map((e) => e.name)).toEqual(ENTRIES.map((e) => e.name));
        listed.entries.forEach((e, i) => {
          const data = ENTRIES[i]!.data;
          expect(e.sha256).toBe(sha256(data));
          expect(e.size).toBe(data.length);
          expect(e.crc).toBe(crc32(data));
          expect(e.date_time).toEqual([2024, 5, 6, 7, 8, 10]);
          expect(e.external_attr >>> 16).toBe(0o100644);
        });
      },
    );

    it.skipIf(!HAS_UNZIP)(`passes unzip -t (${label})`, async () => {
      const { path } = await writeToFile(`unzip-${codec}.zip`, ENTRIES, codec);
      const { status, output } = unzipTest(path);
      expect(output).toContain('No errors detected');
      expect(status).toBe(0);
    });
  }

  it('writes the same bytes for the same input (no clock, no randomness)', async () => {
    const a = concatChunks((await writeZip(ENTRIES, { deflateRaw })).chunks);
    const b = concatChunks((await writeZip(ENTRIES, { deflateRaw })).chunks);
    expect(sha256(a)).toBe(sha256(b));
  });

  it('keeps stored data by reference instead of copying it', async () => {
    const big = randomBytes(4096, 3);
    const out = await writeZip([{ name: 'w.onnx', data: big }]);
    expect(out.chunks.some((c) => c === big)).toBe(true);
  });

  it('writes an empty archive that readers accept', async () => {
    const { bytes, path } = await writeToFile('empty.zip', [], 'none');
    expect(bytes.length).toBe(22 + 'CapGrad test'.length);
    expect(ZipReader.open(bytes).entries).toEqual([]);
    if (HAS_PYTHON_ZIPFILE) expect(pythonListZip(path).entries).toEqual([]);
  });

  it.skipIf(!HAS_PYTHON_ZIPFILE)('reads a zip written by Python (stored and deflated)', async () => {
    const path = join(dir, 'from-python.zip');
    pythonWriteZip(path, [
      ['a.txt', 'hello '.repeat(100), 'deflate'],
      ['dir/b.json', '{"x": 1}', 'store'],
    ]);
    const zip = ZipReader.open(new Uint8Array(readFileSync(path)), { inflateRaw });
    expect(zip.comment).toBe('written by python');
    expect(await zip.readText('a.txt')).toBe('hello '.repeat(100));
    expect(await zip.readJson('dir/b.json')).toEqual({ x: 1 });
    expect(zip.info('a.txt').method).toBe(8);
    expect(zip.info('a.txt').modifiedAt).toBe(MAY_2024);
  });
});

describe('damaged or unsupported archives', () => {
  it('finds a flipped byte in stored data by its CRC', async () => {
    const { bytes } = await writeToFile('flip.zip', ENTRIES, 'none');
    const damaged = bytes.slice();
    const at =
      (await writeZip(ENTRIES)).entries[1]!.offset + 30 + 'onnx/decoder_model_merged.onnx'.length + 500;
    damaged[at] = damaged[at]! ^ 0x40;
    const zip = ZipReader.open(damaged);
    await expect(zip.read('onnx/decoder_model_merged.onnx')).rejects.toBeInstanceOf(ZipChecksumError);
    await expect(zip.read('config.json')).resolves.toHaveLength(ENTRIES[0]!.data.length);
  });

  it('refuses truncated files and non-zips with a ZipFormatError', async () => {
    const { bytes } = await writeToFile('cut.zip', ENTRIES, 'none');
    expect(() => ZipReader.open(bytes.subarray(0, bytes.length - 30))).toThrow(ZipFormatError);
    expect(() => ZipReader.open(text('PK but not really'))).toThrow(ZipFormatError);
    expect(() => ZipReader.open(new Uint8Array(3))).toThrow(/too short/);
  });

  it('asks for an inflater instead of returning deflated bytes', async () => {
    const { bytes } = await writeToFile('needs-inflate.zip', ENTRIES, 'zlib');
    await expect(ZipReader.open(bytes).read('config.json')).rejects.toBeInstanceOf(ZipMethodError);
  });

  it('stores a file that deflate would not shrink, even when deflate is asked for', async () => {
    const data = randomBytes(333, 2);
    const out = await writeZip([{ name: 'a.bin', data, compression: 'deflate' }], { deflateRaw });
    expect(out.entries[0]!.method).toBe(0);
    expect(out.entries[0]!.compressedSize).toBe(333);
    const squeezable = await writeZip(
      [{ name: 'b.onnx', data: new Uint8Array(5000), compression: 'deflate' }],
      {
        deflateRaw,
      },
    );
    expect(squeezable.entries[0]!.method).toBe(8);
    expect(squeezable.entries[0]!.compressedSize).toBeLessThan(100);
  });

  it('refuses deflate without a deflater', async () => {
    await expect(
      writeZip([{ name: 'a.json', data: text('{}'), compression: 'deflate' }]),
    ).rejects.toBeInstanceOf(ZipMethodError);
  });
});

describe('entry names', () => {
  for (const bad of ['', '/etc/passwd', '../up.txt', 'a/../b', 'a\\b.txt', 'folder/', 'a//b', 'tab\there']) {
    it(`refuses ${JSON.stringify(bad)}`, async () => {
      await expect(writeZip([{ name: bad, data: new Uint8Array(1) }])).rejects.toBeInstanceOf(ZipNameError);
    });
  }

  it('refuses two names that differ only in case', async () => {
    const entries = [
      { name: 'Cat.jpg', data: new Uint8Array(1) },
      { name: 'cat.jpg', data: new Uint8Array(1) },
    ];
    await expect(writeZip(entries)).rejects.toThrow(/Two files/);
  });
});

describe('32-bit limits (no ZIP64)', () => {
  const entry = (name: string, size: number) => ({
    name,
    nameBytes: name.length,
    size,
    compressedSize: size,
  });

  it('refuses a file of 2^32 bytes or more, naming it', () => {
    expect(() => planZip32([entry('onnx/model.onnx', 2 ** 32)])).toThrow(ZipSizeLimitError);
    expect(() => planZip32([entry('onnx/model.onnx', 2 ** 32)])).toThrow(/"onnx\/model.onnx" is 4.00 GiB/);
    expect(() => planZip32([entry('x', 0xffffffff)])).toThrow(ZipSizeLimitError);
    expect(planZip32([entry('x', 0xfffffffe - 30 - 1 - 46 - 1)]).offsets).toEqual([0]);
  });

  it('refuses an archive that adds up to 4 GiB even when each file is smaller', () => {
    const files = [entry('a.onnx', 3 * 1024 ** 3), entry('b.onnx', 1.5 * 1024 ** 3)];
    expect(() => planZip32(files)).toThrow(/add up to 4.50 GiB/);
  });

  it('refuses more than 65,534 entries', () => {
    const many = Array.from({ length: MAX_ZIP32_ENTRIES + 1 }, (_, i) => entry(`f${i}`, 0));
    expect(() => planZip32(many)).toThrow(ZipSizeLimitError);
    expect(planZip32(many.slice(1)).offsets).toHaveLength(MAX_ZIP32_ENTRIES);
  });

  it('lays records out where the writer puts them', async () => {
    const out = await writeZip(ENTRIES);
    const plan = planZip32(
      ENTRIES.map((e) => entry(e.name, e.data.length)).map((e, i) => ({
        ...e,
        nameBytes: text(ENTRIES[i]!.name).length,
      })),
    );
    expect(out.entries.map((e) => e.offset)).toEqual(plan.offsets);
    expect(out.byteLength).toBe(plan.totalSize);
  });
});

describe('DOS time', () => {
  it('round-trips UTC times at 2-second resolution and clamps before 1980', () => {
    expect(fromDosDateTime(toDosDateTime(MAY_2024))).toBe(MAY_2024);
    expect(fromDosDateTime(toDosDateTime(MAY_2024 + 1999))).toBe(MAY_2024);
    expect(fromDosDateTime(toDosDateTime(0))).toBe(Date.UTC(1980, 0, 1));
  });
});
