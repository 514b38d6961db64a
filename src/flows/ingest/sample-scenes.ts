/**
 * "Load sample scenes": the committed test scenes (public/samples/scenes/, a COCO folder: images/,
 * instances.json, captions.json) become cards, and their instances.json is imported as COCO ground truth so
 * that CHAIR scores their captions — one click, nothing but the app's own server.
 */
import type { IncomingFile } from '../studio-ports';

/** Where the app serves public/samples/scenes/. */
export const SAMPLE_SCENES_PATH = '/samples/scenes/';
/** The name the import is shown under ("COCO annotations from …"). */
export const SAMPLE_SCENES_ANNOTATIONS = 'sample scenes (instances.json)';

/** The samples are missing or malformed where the app serves them. */
export class SampleScenesError extends Error {
  override readonly name = 'SampleScenesError';
}

/** The part of `fetch` used here (a Response satisfies it). */
export type FetchFile = (url: string) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

export interface SampleScenesDeps {
  /** Where the folder is served, ending in '/': `${origin}${SAMPLE_SCENES_PATH}`. */
  readonly baseUrl: string;
  readonly fetch: FetchFile;
  /** The studio's addFiles: resolves when every file is a card. */
  addFiles(files: readonly IncomingFile[]): Promise<void>;
  /** The training actions' importCoco: matches the annotations to the cards by file name. */
  importCoco(fileName: string, text: string): Promise<void>;
}

/** The image file names an instances.json lists, in its order. */
export function sampleImageNames(instances: unknown): string[] {
  const images = (instances as { images?: unknown } | null)?.images;
  if (!Array.isArray(images) || images.length === 0)
    throw new SampleScenesError('instances.json of the sample scenes lists no images');
  return images.map((im: { file_name?: unknown }) => {
    const name = im?.file_name;
    if (typeof name !== 'string' || name === '' || /[\\/]|\.\./.test(name))
      throw new SampleScenesError(`instances.json of the sample scenes has a bad file_name: ${String(name)}`);
    return name;
  });
}

/** Fetches the samples, adds them as cards, then imports their ground truth. Resolves to the image count. */
export async function loadSampleScenes(deps: SampleScenesDeps): Promise<number> {
  const get = async (path: string) => {
    const url = `${deps.baseUrl}${path}`;
    const response = await deps.fetch(url);
    if (!response.ok)
      throw new SampleScenesError(
        `the sample scenes are not served here: ${url} answered ${response.status}`,
      );
    return response;
  };
  const text = await (await get('instances.json')).text();
  let instances: unknown;
  try {
    instances = JSON.parse(text);
  } catch (error) {
    throw new SampleScenesError(
      `instances.json of the sample scenes is not JSON: ${(error as Error).message}`,
    );
  }
  const names = sampleImageNames(instances);
  const files: IncomingFile[] = await Promise.all(
    names.map(async (name) => {
      const bytes = new Uint8Array(await (await get(`images/${name}`)).arrayBuffer());
      return { name, size: bytes.byteLength, bytes: async () => bytes };
    }),
  );
  // The import matches annotations to cards by file name: the cards must exist first.
  await deps.addFiles(files);
  await deps.importCoco(SAMPLE_SCENES_ANNOTATIONS, text);
  return files.length;
}
