import { describeError, InvalidChoiceError, ModelLoadError, ModelUnavailableError } from './errors';

/**
 * Where a model comes from.
 * - `id`: any transformers.js model id, e.g. 'Xenova/vit-gpt2-image-captioning'. Taken from the app's own
 *   `public/models/<id>/` when present there, else from the Hugging Face hub (unless `allowRemote` is false).
 * - `folder`: a folder the user picked; `files` maps paths relative to the model root
 *   ('config.json', 'onnx/encoder_model.onnx', ...) to their bytes. Transfer the buffers.
 */
export type ModelSource =
  | { kind: 'id'; modelId: string; allowRemote?: boolean }
  | { kind: 'folder'; name: string; files: Record<string, Uint8Array> };

/** The files of one model, wherever they are. Paths are relative to the model root ('onnx/encoder_model.onnx'). */
export interface ModelFiles {
  /** The model id, or the folder's name. */
  readonly modelId: string;
  readonly origin: 'app' | 'hub' | 'folder';
  /** Rejects with ModelLoadError naming the file and where it was looked for. */
  read(path: string): Promise<Uint8Array>;
  readJson(path: string): Promise<Record<string, unknown>>;
}

/** The part of `fetch` we use (a Response satisfies it; tests pass a small fake). */
export type FetchBytes = (url: string) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

export interface SourceEnvironment {
  /** Where the app serves public/models/, ending in '/', e.g. `${origin}/models/`. */
  appModelsUrl: string;
  /** Default 'https://huggingface.co/'. */
  hubUrl?: string;
  fetch: FetchBytes;
}

const MODEL_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*){0,2}$/;

/**
 * Decides where a model comes from: the app's own public/models/<id>/ when its config.json is there, else
 * the Hugging Face hub (unless the source forbids remote files), or the bytes of a user-picked folder.
 */
export async function openModelSource(
  source: ModelSource,
  environment: SourceEnvironment,
): Promise<ModelFiles> {
  if (source.kind === 'folder') return folderFiles(source.name, source.files);
  const { modelId } = source;
  if (!MODEL_ID.test(modelId) || modelId.includes('..')) {
    throw new InvalidChoiceError(
      `'${modelId}' is not a model id: use 'owner/name' as on the Hugging Face hub (letters, digits, . _ -)`,
    );
  }
  const app = urlFiles(modelId, 'app', `${environment.appModelsUrl}${modelId}/`, environment.fetch);
  const appConfig = await app.readJson('config.json').catch(() => null);
  if (appConfig !== null) return app;
  if (source.allowRemote === false) {
    throw new ModelLoadError(
      `model '${modelId}' is not in the app (${environment.appModelsUrl}${modelId}/config.json) ` +
        'and loading from the Hugging Face hub is turned off',
    );
  }
  const hubUrl = environment.hubUrl ?? 'https://huggingface.co/';
  // Not in the app, and the hub does not answer at all: the model is simply not available here.
  const unreachable = (url: string, error: unknown): Error =>
    new ModelUnavailableError(
      `model '${modelId}' is not in the app (${environment.appModelsUrl}${modelId}/) and the Hugging Face ` +
        `hub cannot be reached (${url}: ${describeError(error)}): run \`npm run models:fetch\` on a machine ` +
        'with internet, or choose a model that is in public/models/',
      { cause: error },
    );
  return urlFiles(modelId, 'hub', `${hubUrl}${modelId}/resolve/main/`, environment.fetch, unreachable);
}

/**
 * `fetch` rejects (rather than answering with an HTTP status) when no answer came at all: no network, DNS,
 * a refused connection, CORS. Browsers and Node's undici both reject with a TypeError then; an abort is a
 * DOMException named 'AbortError' and is not a network failure.
 */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof Error && error.name === 'TypeError');
}

function parseJson(bytes: Uint8Array, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new ModelLoadError(`${where} is not valid JSON: ${describeError(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelLoadError(`${where} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** `unreachable` makes the error for a fetch that got no answer at all (see isNetworkFailure). */
function urlFiles(
  modelId: string,
  origin: 'app' | 'hub',
  baseUrl: string,
  fetchFn: FetchBytes,
  unreachable?: (url: string, error: unknown) => Error,
): ModelFiles {
  const read = async (path: string): Promise<Uint8Array> => {
    const url = `${baseUrl}${path}`;
    let response: Awaited<ReturnType<FetchBytes>>;
    try {
      response = await fetchFn(url);
    } catch (error) {
      if (unreachable !== undefined && isNetworkFailure(error)) throw unreachable(url, error);
      throw new ModelLoadError(`could not fetch ${url}: ${describeError(error)}`, { cause: error });
    }
    if (!response.ok) throw new ModelLoadError(`could not fetch ${url}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  return {
    modelId,
    origin,
    read,
    readJson: async (path) => parseJson(await read(path), `${baseUrl}${path}`),
  };
}

/**
 * A picked folder arrives with paths relative to what the user picked; when every path starts with the
 * same folder name (a directory picker's webkitRelativePath), that prefix is dropped.
 */
export function folderFiles(name: string, files: Record<string, Uint8Array>): ModelFiles {
  const paths = Object.keys(files).map((path) => path.replaceAll('\\', '/'));
  const firstSegments = new Set(paths.map((path) => path.split('/')[0]));
  const [prefix] = firstSegments;
  const strip =
    firstSegments.size === 1 &&
    prefix !== undefined &&
    !paths.includes('config.json') &&
    paths.every((p) => p.includes('/'))
      ? `${prefix}/`
      : '';
  const byPath = new Map(
    Object.entries(files).map(([path, bytes]) => [path.replaceAll('\\', '/').slice(strip.length), bytes]),
  );
  const read = async (path: string): Promise<Uint8Array> => {
    const bytes = byPath.get(path);
    if (bytes === undefined) {
      throw new ModelLoadError(
        `the folder '${name}' has no ${path} (it has ${[...byPath.keys()].sort().join(', ') || 'no files'})`,
      );
    }
    return bytes;
  };
  return {
    modelId: name,
    origin: 'folder',
    read,
    readJson: async (path) => parseJson(await read(path), `${name}/${path}`),
  };
}
