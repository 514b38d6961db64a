/**
 * The exported zips end to end: the tiny ViT-GPT2 with a decoder weight changed by the training export
 * (src/lib/train/graph/export.ts), zipped, extracted by an independent tool, loaded by transformers.js as it
 * is, and captioning like the tuned files do; the captions zip read back and checked against its schemas.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { env, pipeline } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COCO_CAPTIONS_NAME,
  IMAGEFOLDER_METADATA_NAME,
  MODEL_MANIFEST_NAME,
  ModelFolderError,
  assembleModelFolder,
  concatChunks,
  EXPORT_DATASET_DIR,
  writeDatasetZip,
  writeModelZip,
  writeStudioExportZip,
  type CaptionRecord,
} from '../../../src/lib/export';
import { openModelZip } from '../../support/model-zip';
import { ZipReader } from '../../support/zip-reader';
import { decodeModel } from '../../../src/lib/onnx/proto/model-io';
import { readFloat32 } from '../../../src/lib/onnx/proto/tensor';
import { writeWeightsToBytes } from '../../../src/lib/train/graph/export';
import { PHOTOS_DIR } from '../../support/fixtures';
import { HAS_PYTHON_ZIPFILE, deflateRaw, inflateRaw, pythonListZip } from './zip-tools';

const REPO = resolve(import.meta.dirname, '..', '..', '..');
const MODEL_DIR = join(REPO, 'public', 'models', 'tiny-random', 'vit-gpt2');
const PHOTO = join(PHOTOS_DIR, 'coco_val2017_000000039769.png');
const TUNED_WEIGHT = 'decoder.transformer.ln_f.bias';

const work = mkdtempSync(join(tmpdir(), 'capgrad-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function readFolder(root: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(root, path).split('\\').join('/'), new Uint8Array(readFileSync(path)));
    }
  };
  walk(root);
  return out;
}

function writeFolder(root: string, files: Iterable<[string, Uint8Array]>): void {
  for (const [path, bytes] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
}

/** Extracts with Python's zipfile when present (an independent reader), else with ours. */
async function extract(zipPath: string, into: string): Promise<void> {
  if (HAS_PYTHON_ZIPFILE) {
    execFileSync('python3', [
      '-c',
      'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])',
      zipPath,
      into,
    ]);
  } else {
    writeFolder(into, await ZipReader.open(new Uint8Array(readFileSync(zipPath)), { inflateRaw }).readAll());
  }
}

async function caption(localModelPath: string, id: string): Promise<string> {
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = `${localModelPath}/`;
  const captioner = await pipeline('image-to-text', id, { device: 'cpu', dtype: 'fp32' });
  try {
    const out = (await captioner(PHOTO, { max_new_tokens: 8 })) as { generated_text: string }[];
    return out[0]!.generated_text;
  } finally {
    await captioner.dispose();
  }
}

describe('tuned student model zip', () => {
  const source = readFolder(MODEL_DIR);
  let tuned: Map<string, Uint8Array>;

  beforeAll(() => {
    // A "trained" ln_f bias pointing at one token's embedding: a change big enough to show in the captions.
    const plain = decodeModel(source.get('onnx/decoder_model.onnx')!);
    const init = (name: string) => plain.graph!.initializer!.find((t) => t.name === name)!;
    const original = readFloat32(init(TUNED_WEIGHT));
    const wte = readFloat32(init('decoder.transformer.wte.weight'));
    const value = original.map((_, i) => 50 * wte[7 * original.length + i]!);
    const weights = [{ name: TUNED_WEIGHT, original, value }];
    tuned = new Map(
      ['onnx/decoder_model.onnx', 'onnx/decoder_model_merged.onnx'].map((p) => [
        p,
        writeWeightsToBytes(source.get(p)!, weights),
      ]),
    );
  });

  it('loads in transformers.js from the extracted zip and captions as the tuned files do', async () => {
    const folder = await assembleModelFolder({
      source,
      tuned,
      baseModel: { id: 'tiny-random/vit-gpt2', revision: 'test' },
      createdAt: Date.UTC(2025, 5, 1),
      training: { rounds: 1 },
    });
    const zip = await writeModelZip(folder, { deflateRaw, modifiedAt: Date.UTC(2025, 5, 1) });
    const zipPath = join(work, 'tuned-student.zip');
    writeFileSync(zipPath, concatChunks(zip.chunks));
    if (HAS_PYTHON_ZIPFILE) expect(pythonListZip(zipPath).bad).toBeNull();

    await extract(zipPath, join(work, 'exported', 'tuned-student'));
    writeFolder(join(work, 'direct', 'tuned-student'), [...source, ...tuned]);
    const exported = await caption(join(work, 'exported'), 'tuned-student');
    const direct = await caption(join(work, 'direct'), 'tuned-student');
    const untuned = await caption(join(REPO, 'public', 'models'), 'tiny-random/vit-gpt2');
    expect(exported).toBe(direct);
    expect(exported).not.toBe(untuned);
  });

  it('re-opens through openModelZip with every file as the export wrote it', async () => {
    const folder = await assembleModelFolder({
      source,
      tuned,
      baseModel: { id: 'tiny-random/vit-gpt2', revision: 'test' },
      createdAt: 0,
    });
    const bytes = concatChunks((await writeModelZip(folder, { deflateRaw })).chunks);
    const opened = await openModelZip(bytes, { inflateRaw });
    expect(opened.manifest).toEqual(folder.manifest);
    expect(Object.keys(opened.files).sort()).toEqual([...source.keys()].sort());
    for (const [path, data] of source) {
      expect(sha256(opened.files[path]!)).toBe(sha256(tuned.get(path) ?? data));
    }
  });

  it('refuses a zip whose files differ from the manifest, or that has none', async () => {
    const folder = await assembleModelFolder({
      source,
      tuned,
      baseModel: { id: 'm', revision: 'r' },
      createdAt: 0,
    });
    const files = new Map(folder.files);
    files.set('config.json', new TextEncoder().encode('{"changed": true}'));
    const swapped = concatChunks((await writeModelZip({ ...folder, files })).chunks);
    await expect(openModelZip(swapped)).rejects.toThrow(/not the file the export wrote/);
    files.delete(MODEL_MANIFEST_NAME);
    const bare = concatChunks((await writeModelZip({ ...folder, files })).chunks);
    await expect(openModelZip(bare)).rejects.toBeInstanceOf(ModelFolderError);
  });
});

describe('captions dataset zip', () => {
  const photos = ['coco_val2017_000000039769.png', 'coco_val2017_000000000724.jpg'];
  const images = new Map(photos.map((p) => [p, new Uint8Array(readFileSync(join(PHOTOS_DIR, p)))]));
  const records: CaptionRecord[] = photos.map((p, i) => ({
    imageId: sha256(images.get(p)!),
    fileName: p,
    width: 640,
    height: 480 - i,
    caption: i === 0 ? 'two cats lying on a pink couch' : 'a red stop sign on a street corner',
    captionSource: 'refined',
    originalCaption: 'a cat',
    ...(i === 0 ? { cocoId: 39769 } : {}),
  }));
  const byId = new Map(records.map((r) => [r.imageId, images.get(r.fileName)!]));

  it('holds metadata.jsonl, COCO captions and the images, readable by an independent reader', async () => {
    const zip = await writeDatasetZip(
      { records, createdAt: Date.UTC(2025, 0, 1), images: byId },
      { deflateRaw },
    );
    const path = join(work, 'captions.zip');
    writeFileSync(path, concatChunks(zip.chunks));
    const into = join(work, 'captions');
    await extract(path, into);
    expect(readdirSync(into).sort()).toEqual([COCO_CAPTIONS_NAME, 'images', IMAGEFOLDER_METADATA_NAME]);

    const rows = readFileSync(join(into, IMAGEFOLDER_METADATA_NAME), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { file_name: string; text: string; image_sha256: string });
    expect(rows.map((r) => r.text)).toEqual(records.map((r) => r.caption));
    for (const row of rows) {
      // imagefolder resolves file_name relative to metadata.jsonl: the image must be there, byte for byte.
      expect(sha256(new Uint8Array(readFileSync(join(into, row.file_name))))).toBe(row.image_sha256);
    }
    const coco = JSON.parse(readFileSync(join(into, COCO_CAPTIONS_NAME), 'utf8')) as {
      images: { id: number; file_name: string; width: number; height: number }[];
      annotations: { image_id: number; caption: string }[];
    };
    expect(coco.images.map((i) => [i.id, i.file_name, i.width, i.height])).toEqual([
      [39769, 'coco_val2017_000000039769.png', 640, 480],
      [1, 'coco_val2017_000000000724.jpg', 640, 479],
    ]);
    for (const i of coco.images) expect(readdirSync(join(into, 'images'))).toContain(i.file_name);
    expect(coco.annotations.map((a) => [a.image_id, a.caption])).toEqual([
      [39769, 'two cats lying on a pink couch'],
      [1, 'a red stop sign on a street corner'],
    ]);
  });

  it('leaves the images out unless given, and refuses a missing one', async () => {
    const bare = ZipReader.open(concatChunks((await writeDatasetZip({ records, createdAt: 0 })).chunks));
    expect(bare.files.map((f) => f.name)).toEqual([IMAGEFOLDER_METADATA_NAME, COCO_CAPTIONS_NAME]);
    const partial = new Map([...byId].slice(0, 1));
    await expect(writeDatasetZip({ records, createdAt: 0, images: partial })).rejects.toThrow(
      /was not given/,
    );
  });

  it('puts the model folder at the root and the captions under dataset/ in the studio export, leaving out a missing image', async () => {
    const model = { files: new Map([['config.json', new TextEncoder().encode('{}')]]) };
    const partial = new Map([...byId].slice(0, 1));
    const zip = ZipReader.open(
      concatChunks(
        (
          await writeStudioExportZip({
            model,
            dataset: { records, createdAt: 0, images: partial },
          })
        ).chunks,
      ),
    );
    expect(zip.files.map((f) => f.name)).toEqual([
      'config.json',
      `${EXPORT_DATASET_DIR}/${IMAGEFOLDER_METADATA_NAME}`,
      `${EXPORT_DATASET_DIR}/${COCO_CAPTIONS_NAME}`,
      `${EXPORT_DATASET_DIR}/images/coco_val2017_000000039769.png`,
    ]);
    // The captions are the same files the captions zip holds, byte for byte.
    const alone = ZipReader.open(
      concatChunks((await writeDatasetZip({ records, createdAt: 0, images: byId })).chunks),
    );
    expect(await zip.read(`${EXPORT_DATASET_DIR}/${IMAGEFOLDER_METADATA_NAME}`)).toEqual(
      await alone.read(IMAGEFOLDER_METADATA_NAME),
    );
  });
});
