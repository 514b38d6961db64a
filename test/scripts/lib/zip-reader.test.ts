import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ByteSource } from '../../../scripts/lib/zip-reader';
import { openZip, ZipFormatError } from '../../../scripts/lib/zip-reader';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'coco-download');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURE, name)));

/** The bytes as a ByteSource that records which ranges were read. */
function memorySource(bytes: Uint8Array, name = 'memory.zip') {
  const reads: [number, number][] = [];
  const source: ByteSource = {
    name,
    size: bytes.length,
    async read(offset, length) {
      if (offset < 0 || offset + length > bytes.length)
        throw new Error(`read past the end: ${offset}+${length}`);
      reads.push([offset, offset + length]);
      return bytes.slice(offset, offset + length);
    },
  };
  return { source, reads };
}

/** The archive and its entry `name`. */
async function entry(source: ByteSource, name: string, chunk?: number) {
  const zip = await openZip(source, chunk);
  const found = zip.entries.find((e) => e.fileName === name);
  if (!found) throw new Error(`no ${name}`);
  return { zip, found };
}

describe('openZip: the entries', () => {
  it('lists the entries Python zipfile wrote, past an archive comment', async () => {
    const { source } = memorySource(fixture('annotations_trainval2017.zip'));
    const { entries } = await openZip(source);
    expect(entries.map((e) => e.fileName)).toEqual([
      'annotations/',
      'annotations/instances_val2017.json',
      'annotations/captions_val2017.json',
      'annotations/instances_train2017.json',
      'annotations/captions_train2017.json',
    ]);
    const instances = entries[1]!;
    expect(instances.compressionMethod).toBe(8);
    expect(instances.uncompressedSize).toBe(readFileSync(join(FIXTURE, 'instances_val2017.json')).length);
    expect(instances.compressedSize).toBeLessThan(instances.uncompressedSize);
  });

  it('takes sizes and offsets from the ZIP64 records when the plain ones hold sentinels', async () => {
    const { source } = memorySource(fixture('zip64-streamed.zip'));
    const { entries } = await openZip(source);
    expect(entries.map((e) => [e.fileName, e.uncompressedSize])).toEqual([
      ['annotations/instances_val2017.json', readFileSync(join(FIXTURE, 'instances_val2017.json')).length],
      ['annotations/captions_val2017.json', readFileSync(join(FIXTURE, 'captions_val2017.json')).length],
    ]);
    expect(entries[1]!.relativeOffsetOfLocalHeader).toBeGreaterThan(0);
  });

  it('says a file is no ZIP archive', async () => {
    const { source } = memorySource(fixture('instances_val2017.json'), 'instances.json');
    const error = await openZip(source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZipFormatError);
    expect((error as Error).message).toBe(
      'instances.json: End of central directory record signature not found. Either not a zip file, or file is truncated.',
    );
  });

  it('says a cut-off archive is truncated', async () => {
    const whole = fixture('annotations_trainval2017.zip');
    // The end record survives (the last bytes), the start of the file does not: a central directory past the end.
    const { source } = memorySource(whole.slice(1200), 'cut.zip');
    const error = await openZip(source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZipFormatError);
    expect((error as Error).message).toMatch(
      /^cut\.zip: the archive points to bytes \d+-\d+ but ends at byte 1775 \(a truncated download\?\)$/,
    );
  });
});

describe('openZip: read', () => {
  it.each(['annotations_trainval2017.zip', 'zip64-streamed.zip'])(
    '%s: each val2017 entry inflates to the very file, read in small chunks',
    async (zip) => {
      const { source } = memorySource(fixture(zip));
      for (const name of ['instances_val2017.json', 'captions_val2017.json']) {
        // 97-byte reads: the inflater gets many pieces, as it does from 8 MB Range reads of the real archive.
        const { zip: archive, found } = await entry(source, `annotations/${name}`, 97);
        const bytes = await archive.read(found);
        expect(bytes.toString('utf8')).toBe(readFileSync(join(FIXTURE, name), 'utf8'));
      }
    },
  );

  it('reads only the wanted entry, no byte of the train2017 ones (450 MB of JSON in the real archive)', async () => {
    const { source, reads } = memorySource(fixture('annotations_trainval2017.zip'));
    const zip = await openZip(source);
    const train = zip.entries.find((e) => e.fileName === 'annotations/instances_train2017.json')!;
    const next = zip.entries.find((e) => e.fileName === 'annotations/captions_train2017.json')!;
    reads.length = 0;
    await zip.read(zip.entries.find((e) => e.fileName === 'annotations/captions_val2017.json')!);
    expect(reads.length).toBeGreaterThan(0);
    for (const [from, to] of reads)
      expect(
        to <= train.relativeOffsetOfLocalHeader || from >= next.relativeOffsetOfLocalHeader,
        `${from}-${to}`,
      ).toBe(true);
  });

  it('rejects a damaged entry', async () => {
    const bytes = fixture('annotations_trainval2017.zip');
    const { found: captions } = await entry(memorySource(bytes).source, 'annotations/captions_val2017.json');
    // One flipped byte in the middle of the deflated data: inflating fails, the size or the CRC-32 is wrong.
    const damaged = bytes.slice();
    const at =
      captions.relativeOffsetOfLocalHeader +
      30 +
      captions.fileNameLength +
      Math.floor(captions.compressedSize / 2);
    damaged[at] = damaged[at]! ^ 0x55;
    const { zip, found } = await entry(
      memorySource(damaged, 'damaged.zip').source,
      'annotations/captions_val2017.json',
    );
    const error = await zip.read(found).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZipFormatError);
    expect((error as Error).message).toMatch(
      /^damaged\.zip: annotations\/captions_val2017\.json: (does not inflate \(|fails its CRC-32 check|(too many|not enough) bytes)/,
    );
  });

  it('passes on the error of a failed read as it is', async () => {
    const bytes = fixture('annotations_trainval2017.zip');
    let down = false;
    const failing: ByteSource = {
      ...memorySource(bytes).source,
      async read(offset, length) {
        if (down) throw new Error('GET annotations.zip: HTTP 503 (4 tries)');
        return bytes.slice(offset, offset + length);
      },
    };
    const zip = await openZip(failing);
    down = true;
    await expect(zip.read(zip.entries[1]!)).rejects.toThrow(
      new Error('GET annotations.zip: HTTP 503 (4 tries)'),
    );
  });

  it('checks the CRC-32, which yauzl does not', async () => {
    const damaged = Buffer.from(fixture('annotations_trainval2017.zip'));
    const name = 'annotations/captions_val2017.json';
    const { found: captions } = await entry(memorySource(damaged).source, name);
    // The entry's central directory record (its name at offset 46) gets another CRC-32 (offset 16); the data
    // itself inflates to the right size.
    const record = damaged.lastIndexOf(name) - 46;
    expect(damaged.readUInt32LE(record)).toBe(0x02014b50);
    damaged.writeUInt32LE((captions.crc32 ^ 1) >>> 0, record + 16);
    const { zip, found } = await entry(memorySource(damaged, 'damaged.zip').source, name);
    await expect(zip.read(found)).rejects.toThrow(
      new ZipFormatError(`damaged.zip: ${name}: fails its CRC-32 check (damaged archive)`),
    );
  });
});
