/**
 * The two zips the studio exports, and re-opening the model zip:
 * - the tuned student: the model folder at the zip's root (config.json, tokenizer files, onnx/…, the manifest),
 *   so that unzipping it gives a folder transformers.js loads as it is;
 * - the captions: metadata.jsonl (Hugging Face imagefolder), captions_coco.json, and optionally images/.
 */
import {
  COCO_CAPTIONS_NAME,
  DATASET_IMAGES_DIR,
  IMAGEFOLDER_METADATA_NAME,
  datasetFileNames,
  toCocoCaptions,
  toImagefolderJsonl,
  type CaptionRecord,
} from './caption-dataset';
import { CaptionDatasetError, ModelFolderError } from './errors';
import { sha256Hex } from '../ingest/hash';
import {
  MODEL_MANIFEST_NAME,
  REQUIRED_MODEL_FILES,
  parseModelManifest,
  type ModelFolder,
  type ModelManifest,
} from './model-folder';
import { ZipReader, type InflateRaw } from './zip-reader';
import { writeZip, type ZipOutput, type ZipWriteOptions } from './zip-writer';

const utf8 = new TextEncoder();

export async function writeModelZip(folder: ModelFolder, options: ZipWriteOptions = {}): Promise<ZipOutput> {
  return writeZip(
    [...folder.files].map(([name, data]) => ({ name, data })),
    options,
  );
}

export interface DatasetZipInput {
  readonly records: readonly CaptionRecord[];
  readonly createdAt: number;
  /** Image id → the image file's bytes; when given, every record's image goes into images/. */
  readonly images?: ReadonlyMap<string, Uint8Array>;
  readonly description?: string;
}

export async function writeDatasetZip(
  input: DatasetZipInput,
  options: ZipWriteOptions = {},
): Promise<ZipOutput> {
  const { records, images } = input;
  const names = datasetFileNames(records);
  const coco = toCocoCaptions(records, { createdAt: input.createdAt, description: input.description }, names);
  const entries = [
    { name: IMAGEFOLDER_METADATA_NAME, data: utf8.encode(toImagefolderJsonl(records, names)) },
    { name: COCO_CAPTIONS_NAME, data: utf8.encode(JSON.stringify(coco, null, 1) + '\n') },
  ];
  if (images) {
    for (const r of records) {
      const bytes = images.get(r.imageId);
      if (!bytes)
        throw new CaptionDatasetError(
          `The image file of "${r.fileName}" was not given; it cannot go in the zip.`,
        );
      entries.push({ name: `${DATASET_IMAGES_DIR}/${names.get(r.imageId)!}`, data: bytes });
    }
  }
  return writeZip(entries, { modifiedAt: input.createdAt, ...options });
}

export interface OpenedModelZip {
  /** Path → bytes, the shape of the student's `{ kind: 'folder', files }` model source. */
  readonly files: Record<string, Uint8Array>;
  readonly manifest: ModelManifest;
}

/**
 * Re-opens an exported model zip: every file checked against its CRC-32 and against the manifest's size and
 * SHA-256, and the files transformers.js needs present.
 */
export async function openModelZip(
  bytes: Uint8Array,
  options: { inflateRaw?: InflateRaw } = {},
): Promise<OpenedModelZip> {
  const zip = ZipReader.open(bytes, options);
  if (!zip.has(MODEL_MANIFEST_NAME)) {
    throw new ModelFolderError(`This zip has no ${MODEL_MANIFEST_NAME}: it is not a CapGrad model export.`);
  }
  const manifest = parseModelManifest(await zip.readJson(MODEL_MANIFEST_NAME));
  const files: Record<string, Uint8Array> = {};
  for (const f of manifest.files) {
    if (!zip.has(f.path))
      throw new ModelFolderError(`The export lists "${f.path}" but the zip does not hold it.`);
    const data = await zip.read(f.path);
    if (data.length !== f.bytes || (await sha256Hex(data)) !== f.sha256) {
      throw new ModelFolderError(`"${f.path}" is not the file the export wrote (size or SHA-256 differs).`);
    }
    files[f.path] = data;
  }
  const missing = REQUIRED_MODEL_FILES.filter((f) => !(f in files));
  if (missing.length > 0) throw new ModelFolderError(`The export lacks ${missing.join(', ')}.`);
  return { files, manifest };
}
