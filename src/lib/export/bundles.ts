/**
 * The zips the studio exports, assembled from data already gathered (no store, no worker):
 * - the tuned student: the model folder at the zip's root (config.json, tokenizer files, onnx/…, the manifest),
 *   so that unzipping it gives a folder transformers.js loads as it is;
 * - the captions: metadata.jsonl (Hugging Face imagefolder), captions_coco.json, and optionally images/;
 * - the studio's export: both in one zip, the model folder at the root and the captions under dataset/.
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
import { CaptionDatasetError } from './errors';
import type { ModelFolder } from './model-folder';
import { writeZip, type ZipInputEntry, type ZipOutput, type ZipWriteOptions } from './zip-writer';

const utf8 = new TextEncoder();

export async function writeModelZip(folder: ModelFolder, options: ZipWriteOptions = {}): Promise<ZipOutput> {
  return writeZip(modelEntries(folder), options);
}

export interface DatasetZipInput {
  readonly records: readonly CaptionRecord[];
  readonly createdAt: number;
  /** Image id → the image file's bytes; when given, every record's image goes into images/. */
  readonly images?: ReadonlyMap<string, Uint8Array>;
  readonly description?: string;
}

/** Where the studio's export puts the captions, beside the model folder at its root. */
export const EXPORT_DATASET_DIR = 'dataset';

export async function writeDatasetZip(
  input: DatasetZipInput,
  options: ZipWriteOptions = {},
): Promise<ZipOutput> {
  return writeZip(datasetEntries(input, '', 'refuse'), { modifiedAt: input.createdAt, ...options });
}

/**
 * The studio's one export zip: the tuned student's folder at the root and the captions under dataset/. An image
 * whose file is no longer stored is left out of dataset/images/ (its caption stays in the metadata).
 */
export async function writeStudioExportZip(
  input: { readonly model: Pick<ModelFolder, 'files'>; readonly dataset: DatasetZipInput },
  options: ZipWriteOptions = {},
): Promise<ZipOutput> {
  return writeZip(
    [...modelEntries(input.model), ...datasetEntries(input.dataset, `${EXPORT_DATASET_DIR}/`, 'leave out')],
    { modifiedAt: input.dataset.createdAt, ...options },
  );
}

function modelEntries(folder: Pick<ModelFolder, 'files'>): ZipInputEntry[] {
  return [...folder.files].map(([name, data]) => ({ name, data }));
}

/** metadata.jsonl, captions_coco.json and images/ under `dir`; a record without its image is refused or left out. */
function datasetEntries(
  input: DatasetZipInput,
  dir: string,
  missingImage: 'refuse' | 'leave out',
): ZipInputEntry[] {
  const { records, images } = input;
  const names = datasetFileNames(records);
  const coco = toCocoCaptions(records, { createdAt: input.createdAt, description: input.description }, names);
  const entries = [
    { name: `${dir}${IMAGEFOLDER_METADATA_NAME}`, data: utf8.encode(toImagefolderJsonl(records, names)) },
    { name: `${dir}${COCO_CAPTIONS_NAME}`, data: utf8.encode(JSON.stringify(coco, null, 1) + '\n') },
  ];
  if (!images) return entries;
  for (const r of records) {
    const bytes = images.get(r.imageId);
    if (bytes) entries.push({ name: `${dir}${DATASET_IMAGES_DIR}/${names.get(r.imageId)!}`, data: bytes });
    else if (missingImage === 'refuse')
      throw new CaptionDatasetError(
        `The image file of "${r.fileName}" was not given; it cannot go in the zip.`,
      );
  }
  return entries;
}
