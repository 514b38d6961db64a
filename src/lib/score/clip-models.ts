/**
 * The image–text models the studio can score captions with, as a frozen table: what each one computes and
 * what it costs to download, shown before the person agrees to fetch it. One resolver fails loudly and lists
 * the valid choices (as transformers.js does for devices and dtypes).
 *
 * Sizes are the hub's listings, rounded (Xenova/clip-vit-base-patch32 and Xenova/clip-vit-base-patch16 list
 * text_model.onnx 254 MB, vision_model.onnx 352 MB / 345 MB, text_model_quantized.onnx 64.5 MB,
 * vision_model_quantized.onnx about 88 MB, text_model_fp16.onnx 127 MB). PickScore_v1 has no ONNX export on the
 * hub: its sizes follow from its parameter count (CLIP ViT-H/14: about 354 M text, 632 M vision parameters) and
 * the person brings a converted folder; its vision tower is over 2 GB in fp32, so ONNX keeps it as external
 * data (vision_model.onnx + vision_model.onnx_data).
 */
import { CLIPSCORE_PREFIX, CLIPSCORE_WEIGHT } from './clipscore';

export type ImageTextMetric = 'clipscore' | 'pickscore';
export type ClipDtype = 'fp32' | 'fp16' | 'q8';

/** How scores are computed from the two embeddings (see clip-scorer.ts). */
export type ScoreFormula =
  /** w · max(cos, 0), text = prefix + caption (Hessel et al. 2021). */
  | { readonly metric: 'clipscore'; readonly textPrefix: string; readonly weight: number }
  /** logit_scale · cos, text = caption (Kirstain et al. 2023). */
  | { readonly metric: 'pickscore'; readonly textPrefix: string; readonly logitScale: number };

export interface DownloadFile {
  readonly path: string;
  readonly bytes: number;
}

export interface ClipModelSpec {
  readonly id: string;
  readonly label: string;
  readonly architecture: string;
  readonly formula: ScoreFormula;
  /** Files transformers.js fetches per dtype (ONNX graphs and the tokenizer; small JSON files left out). */
  readonly downloads: Readonly<Partial<Record<ClipDtype, readonly DownloadFile[]>>>;
  /** Sizes are rounded listings or estimates, not exact byte counts. */
  readonly approximate: true;
  /** Whether the hub has the ONNX files in transformers.js's layout; false: the person supplies a folder. */
  readonly onnxOnHub: boolean;
  readonly note: string;
}

const MB = 1_000_000;
const GB = 1_000_000_000;
const CLIP_TOKENIZER: DownloadFile = { path: 'tokenizer.json', bytes: 2.2 * MB };

export const CLIP_MODELS = Object.freeze({
  'Xenova/clip-vit-base-patch32': {
    id: 'Xenova/clip-vit-base-patch32',
    label: 'CLIP ViT-B/32 (CLIPScore)',
    architecture: 'CLIP ViT-B/32, 512-d embeddings',
    formula: { metric: 'clipscore', textPrefix: CLIPSCORE_PREFIX, weight: CLIPSCORE_WEIGHT },
    downloads: {
      fp32: [
        { path: 'onnx/text_model.onnx', bytes: 254 * MB },
        { path: 'onnx/vision_model.onnx', bytes: 352 * MB },
        CLIP_TOKENIZER,
      ],
      fp16: [
        { path: 'onnx/text_model_fp16.onnx', bytes: 127 * MB },
        { path: 'onnx/vision_model_fp16.onnx', bytes: 176 * MB },
        CLIP_TOKENIZER,
      ],
      q8: [
        { path: 'onnx/text_model_quantized.onnx', bytes: 64.5 * MB },
        { path: 'onnx/vision_model_quantized.onnx', bytes: 88.5 * MB },
        CLIP_TOKENIZER,
      ],
    },
    approximate: true,
    onnxOnHub: true,
    note: 'The model CLIPScore was defined with. Optional download, cached by the browser after the first time.',
  },
  'yuvalkirstain/PickScore_v1': {
    id: 'yuvalkirstain/PickScore_v1',
    label: 'PickScore v1 (CLIP-H/14)',
    architecture: 'CLIP ViT-H/14 fine-tuned on Pick-a-Pic, 1024-d embeddings',
    // logit_scale is the trained temperature; CLIP clamps it at 100 and PickScore_v1's equals it.
    formula: { metric: 'pickscore', textPrefix: '', logitScale: 100 },
    downloads: {
      fp32: [
        { path: 'onnx/text_model.onnx', bytes: 1.42 * GB },
        { path: 'onnx/vision_model.onnx', bytes: 1 * MB },
        { path: 'onnx/vision_model.onnx_data', bytes: 2.53 * GB },
        CLIP_TOKENIZER,
      ],
      fp16: [
        { path: 'onnx/text_model_fp16.onnx', bytes: 0.71 * GB },
        { path: 'onnx/vision_model_fp16.onnx', bytes: 1.27 * GB },
        CLIP_TOKENIZER,
      ],
    },
    approximate: true,
    onnxOnHub: false,
    note:
      'About 4 GB in fp32, 2 GB in fp16: needs a converted ONNX folder (text_model / vision_model) and a GPU with ' +
      "that much free memory. Scores are logit_scale · cos: not on CLIPScore's 0–2.5 scale.",
  },
} satisfies Record<string, ClipModelSpec>);

export type ClipModelId = keyof typeof CLIP_MODELS;
export const DEFAULT_CLIP_MODEL: ClipModelId = 'Xenova/clip-vit-base-patch32';

/** A ClipModelSpec or a thrown error that says which choices exist. */
export class UnknownClipModelError extends Error {
  override readonly name = 'UnknownClipModelError';
}

export function resolveClipModel(id: string): ClipModelSpec {
  const spec = (CLIP_MODELS as Record<string, ClipModelSpec>)[id];
  if (!spec) {
    throw new UnknownClipModelError(
      `'${id}' is not a scoring model here; choose one of ${Object.keys(CLIP_MODELS).join(', ')}.`,
    );
  }
  return spec;
}

export function downloadFiles(spec: ClipModelSpec, dtype: ClipDtype): readonly DownloadFile[] {
  const files = spec.downloads[dtype];
  if (!files) {
    throw new UnknownClipModelError(
      `${spec.id} has no ${dtype} files; choose one of ${Object.keys(spec.downloads).join(', ')}.`,
    );
  }
  return files;
}

export function downloadBytes(spec: ClipModelSpec, dtype: ClipDtype): number {
  return downloadFiles(spec, dtype).reduce((n, f) => n + f.bytes, 0);
}

/** "1.2 GB", "606 MB", "2.2 MB": decimal units, as the hub shows them. */
export function formatBytes(bytes: number): string {
  if (bytes >= GB) return `${(bytes / GB).toFixed(bytes >= 10 * GB ? 0 : 1)} GB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(bytes >= 100 * MB ? 0 : 1)} MB`;
  return `${Math.ceil(bytes / 1000)} kB`;
}

/** The sentence shown before a download, e.g. "about 608 MB (onnx/text_model.onnx 254 MB, …)". */
export function describeDownload(spec: ClipModelSpec, dtype: ClipDtype): string {
  const files = downloadFiles(spec, dtype);
  const parts = files.map((f) => `${f.path} ${formatBytes(f.bytes)}`).join(', ');
  return `${spec.approximate ? 'about ' : ''}${formatBytes(downloadBytes(spec, dtype))} (${parts})`;
}
