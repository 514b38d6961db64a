/**
 * `npm run bench -- student` in Node (loaded by bench/student.mjs through Vite's SSR loader): captions every
 * image of each split with the studio's own captioning path (StudentService, the studio's default generation
 * settings) and scores the captions against the split's instances.json (src/lib/score/student-scores.ts).
 *
 * DIR is either one COCO folder (images/ + instances.json) or a scenes root (scenes.json beside one COCO
 * folder per split, as `npm run scenes` writes it); the bias pairs of scenes.json are scored on its `bias` and
 * `control` splits.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { RawImage } from '@huggingface/transformers';
import type * as OrtWeb from 'onnxruntime-web';
import { CHAIR_SYNONYMS } from '../src/lib/vocabulary/chair-synonyms';
import type { FetchBytes, ModelFiles } from '../src/lib/core/model-sources';
import { folderFiles, type ModelSource, openModelSource } from '../src/lib/core/model-sources';
import { tensorFactoryFrom } from '../src/lib/caption/session';
import type { StudentPlatform } from '../src/lib/caption/student-service';
import { StudentService } from '../src/lib/caption/student-service';
import type { GenerationSettings, PixelImage } from '../src/lib/caption/types';
import type { BiasPair, BiasRates, ImageCaption, SplitScores } from '../src/lib/score/student-scores';
import { sceneGrammar } from '../src/lib/score/scene-fluency';
import { biasRates, plantedBiasMentions, scoreSplit } from '../src/lib/score/student-scores';
import { DEFAULT_SETTINGS } from '../src/state/slices/settings';

export const REPO_DIR = resolve(import.meta.dirname, '..');
const MODELS_DIR = join(REPO_DIR, 'public', 'models');

/** One COCO folder: its name, where it is, and its parsed instances.json. */
export interface SplitFolder {
  readonly name: string;
  readonly dir: string;
  readonly instances: CocoInstancesJson;
}

interface CocoInstancesJson {
  images: { id: number; file_name: string }[];
  annotations: { image_id: number; category_id: number }[];
  categories: { id: number; name: string }[];
}

/** What is scored: one image of a split, by COCO id, and where its file is. */
export interface SplitImage {
  readonly imageId: number;
  readonly path: string;
}

/** Captions a split's images (the student, or hand-written captions in tests). */
export type Captioner = (images: readonly SplitImage[]) => Promise<ImageCaption[]>;

export interface StudentBenchReport {
  readonly data: string;
  readonly splits: Record<
    string,
    SplitScores & {
      /** Share of captions the scene generator's grammar produces over the split's categories. */
      readonly fluency: number;
      readonly seconds: number;
      /** Per bias pair: hallucinated mentions of B in this split's images that hold A (the planted share). */
      readonly plantedBias: readonly (BiasPair & { readonly mentions: number })[];
      readonly captions?: readonly ImageCaption[];
    }
  >;
  readonly bias: BiasRates[];
  readonly notes: string[];
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** The splits under DIR: DIR itself when it is a COCO folder, else its subfolders holding instances.json. */
export function splitFolders(dir: string, only?: readonly string[]): SplitFolder[] {
  const load = (name: string, at: string): SplitFolder => ({
    name,
    dir: at,
    instances: readJson(join(at, 'instances.json')) as CocoInstancesJson,
  });
  if (existsSync(join(dir, 'instances.json'))) return [load(basename(resolve(dir)), dir)];
  if (!existsSync(join(dir, 'scenes.json')))
    throw new Error(`${dir} holds neither instances.json (a COCO folder) nor scenes.json (a scenes root)`);
  const names = readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'instances.json')))
    .sort();
  // The training split is large and is not what the figures are about: only when asked for.
  const chosen = only ?? names.filter((name) => name !== 'train');
  const missing = chosen.filter((name) => !names.includes(name));
  if (missing.length > 0)
    throw new Error(`no split ${missing.join(', ')} under ${dir} (there: ${names.join(', ')})`);
  return chosen.map((name) => load(name, join(dir, name)));
}

/**
 * The bias pairs of a scenes root's scenes.json (`bias: [{a, b}]`, each side a category as `{id, name}`, a
 * name or a COCO id looked up in the manifest's categories or the split's), as category names.
 */
export function biasPairs(dir: string, categories: readonly { id: number; name: string }[]): BiasPair[] {
  const manifestPath = join(dir, 'scenes.json');
  if (!existsSync(manifestPath)) return [];
  const manifest = readJson(manifestPath) as {
    bias?: unknown;
    categories?: { id: number; name: string }[];
  };
  const pairs = (Array.isArray(manifest.bias) ? manifest.bias : []) as { a: unknown; b: unknown }[];
  const known = [...(manifest.categories ?? []), ...categories];
  const name = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const named = (value as { name?: unknown } | null)?.name;
    if (typeof named === 'string') return named;
    const found = known.find((c) => c.id === value);
    if (found === undefined)
      throw new Error(`scenes.json: bias pair category ${JSON.stringify(value)} is unknown`);
    return found.name;
  };
  return pairs.map((p) => ({ a: name(p.a), b: name(p.b) }));
}

/** The images of a split, in instances.json order, with their files under images/. */
export function splitImages(split: SplitFolder): SplitImage[] {
  return split.instances.images.map((im) => {
    const path = join(split.dir, 'images', im.file_name);
    if (!existsSync(path)) throw new Error(`${split.name}: image ${im.id} has no file ${path}`);
    return { imageId: im.id, path };
  });
}

/** Captions every split with `captioner` and scores it; bias rates when the root has pairs and both splits. */
export async function benchFolder(
  data: string,
  captioner: Captioner,
  options: { splits?: readonly string[]; withCaptions?: boolean } = {},
): Promise<StudentBenchReport> {
  const folders = splitFolders(data, options.splits);
  const pairs = biasPairs(
    data,
    folders.flatMap((f) => f.instances.categories),
  );
  const splits: StudentBenchReport['splits'] = {};
  const captioned = new Map<string, { instances: unknown; captions: ImageCaption[] }>();
  for (const split of folders) {
    const started = performance.now();
    const captions = await captioner(splitImages(split));
    const seconds = (performance.now() - started) / 1000;
    captioned.set(split.name, { instances: split.instances, captions });
    const fluent = sceneGrammar(split.instances.categories.map((c) => c.name));
    splits[split.name] = {
      ...scoreSplit(split.instances, captions, CHAIR_SYNONYMS),
      fluency: captions.length === 0 ? 0 : captions.filter((c) => fluent(c.caption)).length / captions.length,
      seconds,
      plantedBias: pairs.map((pair) => ({
        ...pair,
        mentions: plantedBiasMentions(pair, { instances: split.instances, captions }, CHAIR_SYNONYMS),
      })),
      ...(options.withCaptions ? { captions } : {}),
    };
  }
  const notes: string[] = [];
  const bias: BiasRates[] = [];
  const biasSplit = captioned.get('bias');
  const controlSplit = captioned.get('control');
  if (pairs.length > 0 && biasSplit && controlSplit) {
    for (const pair of pairs) bias.push(biasRates(pair, biasSplit, controlSplit, CHAIR_SYNONYMS));
  } else if (pairs.length > 0) {
    notes.push('bias rates need both the bias and the control split');
  }
  return { data, splits, bias, notes };
}

export type BenchDevice = 'cpu' | 'wasm';

/** Reads a model from public/models/<id>/ on disk, as the app's server would serve it (never the hub). */
const diskFetch: FetchBytes = async (url) => {
  const bytes = await readFile(join(MODELS_DIR, url.slice('app:'.length))).catch(() => null);
  return {
    ok: bytes !== null,
    status: bytes === null ? 404 : 200,
    arrayBuffer: async () => new Uint8Array(bytes ?? []).buffer,
  };
};

function folderModel(dir: string): ModelFiles {
  const files: Record<string, Uint8Array> = {};
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path).split('\\').join('/')] = new Uint8Array(readFileSync(path));
    }
  };
  walk(dir);
  return folderFiles(basename(resolve(dir)), files);
}

/**
 * The student on onnxruntime-node's CPU EP ('cpu') or onnxruntime-web's WASM EP ('wasm', the browser's
 * fallback runtime, in Node). `model` is an id under public/models/ or a model folder's path.
 */
export async function nodePlatform(model: string, device: BenchDevice): Promise<StudentPlatform> {
  // Both packages share onnxruntime-common's API: the web module's types describe either.
  const ort: typeof OrtWeb =
    device === 'cpu'
      ? ((await import('onnxruntime-node')) as unknown as typeof OrtWeb)
      : await import('onnxruntime-web');
  if (device === 'wasm') ort.env.wasm.numThreads = 1;
  const isFolder = existsSync(join(model, 'config.json'));
  return {
    gpu: () => null,
    openModel: (source: ModelSource) =>
      isFolder
        ? Promise.resolve(folderModel(model))
        : openModelSource({ ...source, allowRemote: false } as ModelSource, {
            appModelsUrl: 'app:',
            fetch: diskFetch,
          }),
    createSession: (bytes) =>
      ort.InferenceSession.create(bytes, { executionProviders: [device === 'cpu' ? 'cpu' : 'wasm'] }),
    tensors: tensorFactoryFrom(ort.Tensor),
  };
}

/** The studio's default decoding (settings panel defaults: greedy, its token limit and batch size). */
export const BENCH_GENERATION: GenerationSettings = { ...DEFAULT_SETTINGS.generation, minNewTokens: 0 };

export async function pixels(path: string): Promise<PixelImage> {
  const image = await RawImage.read(path);
  if (image.channels === 2) throw new Error(`${path}: grey+alpha images are not supported`);
  return { width: image.width, height: image.height, channels: image.channels, data: image.data };
}

const CHUNK = 64;

/** A Captioner running the student through StudentService, and a way to release it. */
export async function studentCaptioner(
  model: string,
  device: BenchDevice,
): Promise<{ captioner: Captioner; modelId: string; release: () => Promise<void> }> {
  const service = new StudentService(await nodePlatform(model, device));
  const info = await service.load({ source: { kind: 'id', modelId: model }, device: 'wasm' });
  const captioner: Captioner = async (images) => {
    const captions: ImageCaption[] = [];
    // A chunk of decoded images at a time, so that a split of thousands does not sit in memory at once.
    for (let start = 0; start < images.length; start += CHUNK) {
      const requests = await Promise.all(
        images
          .slice(start, start + CHUNK)
          .map(async (im) => ({ id: String(im.imageId), image: await pixels(im.path) })),
      );
      const result = await service.caption(requests, BENCH_GENERATION);
      for (const item of result.items) {
        if (item.status !== 'done') {
          const why = item.status === 'failed' ? item.error.message : 'cancelled';
          throw new Error(`captioning image ${item.id} failed: ${why}`);
        }
        captions.push({ imageId: Number(item.id), caption: item.caption });
      }
    }
    return captions;
  };
  return { captioner, modelId: info.modelId, release: () => service.unload() };
}

/** The bench's entry point (bench/student.mjs). */
export async function benchStudent(options: {
  data: string;
  model: string;
  device: BenchDevice;
  splits?: readonly string[];
  /** Also list every caption, per split. */
  withCaptions?: boolean;
}): Promise<StudentBenchReport & { model: string; device: BenchDevice; generation: GenerationSettings }> {
  const student = await studentCaptioner(options.model, options.device);
  try {
    const report = await benchFolder(options.data, student.captioner, {
      ...(options.splits ? { splits: options.splits } : {}),
      withCaptions: options.withCaptions ?? false,
    });
    return { model: student.modelId, device: options.device, generation: BENCH_GENERATION, ...report };
  } finally {
    await student.release();
  }
}
