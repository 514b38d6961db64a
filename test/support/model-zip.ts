/**
 * Re-opens an exported model zip, as the tests and the e2e transformers.js check load it: every file checked
 * against its CRC-32 and against the manifest's size and SHA-256, and the files transformers.js needs present.
 */
import { sha256Hex } from '../../src/lib/ingest/hash';
import { ModelFolderError } from '../../src/lib/export/errors';
import {
  MODEL_MANIFEST_NAME,
  REQUIRED_MODEL_FILES,
  parseModelManifest,
  type ModelManifest,
} from '../../src/lib/export/model-folder';
import { ZipReader, type InflateRaw } from './zip-reader';

export interface OpenedModelZip {
  /** Path → bytes, the shape of the student's `{ kind: 'folder', files }` model source. */
  readonly files: Record<string, Uint8Array>;
  readonly manifest: ModelManifest;
}

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
