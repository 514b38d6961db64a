/**
 * The tuned student as a model folder that transformers.js loads as it is (docs/architecture.md decision 3):
 * every file of the source folder, unchanged, except the ONNX files the training export rewrote, plus a
 * manifest that says what the folder is and where each file came from.
 *
 * One thing is not copied: a dtype variant of a rewritten file (`decoder_model_merged_fp16.onnx`,
 * `..._quantized.onnx`, its `.onnx_data`) that was not rewritten too. It still holds the base weights, and
 * transformers.js would load it, untuned, for anyone who picks that dtype; the manifest lists it as dropped.
 */
import { sha256Hex } from '../ingest/hash';
import { ModelFolderError } from './errors';

export const MODEL_MANIFEST_NAME = 'capgrad_export.json';
export const MODEL_MANIFEST_FORMAT = 'capgrad-model-export';
export const MODEL_MANIFEST_VERSION = 1;

/** What transformers.js's image-to-text pipeline reads besides the ONNX files (generation_config is optional). */
export const REQUIRED_MODEL_FILES = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'preprocessor_config.json',
];

/** transformers.js 4.3.1's file suffixes per dtype (src/utils/dtypes.js DEFAULT_DTYPE_SUFFIX_MAPPING). */
export const ONNX_DTYPE_SUFFIXES = [
  '_fp16',
  '_int8',
  '_uint8',
  '_quantized',
  '_q4',
  '_q2',
  '_q1',
  '_q4f16',
  '_q2f16',
  '_q1f16',
  '_bnb4',
];

export interface ModelRefJson {
  readonly id: string;
  readonly revision: string;
}

export interface ModelFolderInput {
  /** The source model folder: path relative to its root ('onnx/encoder_model.onnx') → bytes. */
  readonly source: ReadonlyMap<string, Uint8Array>;
  /** The ONNX files the training export rewrote, by the same paths ('onnx/decoder_model_merged.onnx'). */
  readonly tuned: ReadonlyMap<string, Uint8Array>;
  readonly baseModel: ModelRefJson;
  /** UTC ms. */
  readonly createdAt: number;
  /** Settings, steps, round scores… as the caller sees fit (JSON-able). */
  readonly training?: unknown;
}

export interface ManifestFile {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
  /** 'tuned': written by the training export; 'source': copied unchanged. */
  readonly origin: 'tuned' | 'source';
}

export interface ModelManifest {
  readonly format: typeof MODEL_MANIFEST_FORMAT;
  readonly version: number;
  readonly createdAt: string;
  readonly baseModel: ModelRefJson;
  readonly files: readonly ManifestFile[];
  readonly dropped: readonly { readonly path: string; readonly reason: string }[];
  readonly training?: unknown;
}

export interface ModelFolder {
  /** Every file of the folder in a stable order (the manifest last), paths relative to the folder's root. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly manifest: ModelManifest;
}

const ONNX_PATH = /^onnx\/[^/]+\.onnx$/;

/** The stale variants of `tunedPath` among `paths`: same graph, another dtype, or its external data. */
export function staleVariantsOf(tunedPath: string, paths: Iterable<string>): string[] {
  const stem = tunedPath.slice(0, -'.onnx'.length);
  const names = new Set([stem, ...ONNX_DTYPE_SUFFIXES.map((s) => stem + s)]);
  return [...paths].filter((p) => {
    if (p === tunedPath) return false;
    const base = p.endsWith('.onnx') ? p.slice(0, -5) : p.replace(/\.onnx_data(_\d+)?$/, '');
    return base !== p && names.has(base);
  });
}

export async function assembleModelFolder(input: ModelFolderInput): Promise<ModelFolder> {
  const { source, tuned } = input;
  const missing = REQUIRED_MODEL_FILES.filter((f) => !source.has(f));
  if (missing.length > 0) {
    throw new ModelFolderError(
      `The source model folder lacks ${missing.join(', ')}; transformers.js could not load the export.`,
    );
  }
  if (tuned.size === 0)
    throw new ModelFolderError('No tuned ONNX file was given: there is nothing to export.');
  for (const [path, bytes] of tuned) {
    if (!ONNX_PATH.test(path)) throw new ModelFolderError(`"${path}" is not an ONNX file under onnx/.`);
    if (!source.has(path)) {
      throw new ModelFolderError(
        `"${path}" is not in the source model folder, so transformers.js would never load it; ` +
          `the folder has ${[...source.keys()].filter((p) => p.startsWith('onnx/')).join(', ') || 'no ONNX files'}.`,
      );
    }
    if (bytes.length === 0) throw new ModelFolderError(`The tuned "${path}" is empty.`);
  }
  const dropped = new Map<string, string>();
  for (const path of tuned.keys()) {
    for (const stale of staleVariantsOf(path, source.keys())) {
      if (!tuned.has(stale) && !dropped.has(stale)) {
        dropped.set(stale, `holds the untuned weights of ${path} (another dtype or its external data)`);
      }
    }
  }
  // A source that is itself an export brings its old manifest, which describes other bytes: it is replaced.
  const paths = [...source.keys()]
    .filter((p) => p !== MODEL_MANIFEST_NAME && !dropped.has(p))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files = new Map<string, Uint8Array>();
  const listed: ManifestFile[] = [];
  for (const path of paths) {
    const isTuned = tuned.has(path);
    const bytes = isTuned ? tuned.get(path)! : source.get(path)!;
    files.set(path, bytes);
    listed.push({
      path,
      bytes: bytes.length,
      sha256: await sha256Hex(bytes),
      origin: isTuned ? 'tuned' : 'source',
    });
  }
  const manifest: ModelManifest = {
    format: MODEL_MANIFEST_FORMAT,
    version: MODEL_MANIFEST_VERSION,
    createdAt: new Date(input.createdAt).toISOString(),
    baseModel: { id: input.baseModel.id, revision: input.baseModel.revision },
    files: listed,
    dropped: [...dropped].map(([path, reason]) => ({ path, reason })),
    ...(input.training !== undefined ? { training: input.training } : {}),
  };
  files.set(MODEL_MANIFEST_NAME, new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'));
  return { files, manifest };
}

/** Checks a parsed manifest's shape (from a re-opened export) and returns it typed. */
export function parseModelManifest(json: unknown): ModelManifest {
  const m = json as Partial<ModelManifest> | null;
  if (!m || m.format !== MODEL_MANIFEST_FORMAT || typeof m.version !== 'number' || !Array.isArray(m.files)) {
    throw new ModelFolderError(`${MODEL_MANIFEST_NAME} is not a CapGrad model export manifest.`);
  }
  if (m.version > MODEL_MANIFEST_VERSION) {
    throw new ModelFolderError(
      `This export is format version ${m.version}; this app reads up to ${MODEL_MANIFEST_VERSION}.`,
    );
  }
  return m as ModelManifest;
}
