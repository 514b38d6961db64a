import type { IngestRecord, RgbaImage } from '../../src/lib/ingest';
import type {
  CaptionItemResult,
  CaptionProgress,
  CaptionRequest,
  CaptionRunResult,
  GenerationSettings,
} from '../../src/lib/caption/types';
import type {
  IncomingFile,
  ImageStorePort,
  IngestOutcome,
  IngestPort,
  StudentPort,
} from '../../src/flows/studio-ports';
import type { KeyValue } from '../../src/state/persist/key-value';

export const tick = (ms = 1) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds (polling), or fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await tick(2);
  }
}

export function memoryKv(): KeyValue & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: async (key) => data.get(key),
    set: async (key, value) => void data.set(key, value),
    del: async (key) => void data.delete(key),
    keys: async () => [...data.keys()],
    getMany: async (keys) => keys.map((key) => data.get(key)),
    updateMany: async (keys, change) => {
      // Synchronous between the read and the writes: atomic, like one IndexedDB transaction.
      for (const [key, value] of change(keys.map((key) => data.get(key)))) {
        if (value === undefined) data.delete(key);
        else data.set(key, value);
      }
    },
  };
}

export function incoming(name: string, text: string): IncomingFile {
  const bytes = new TextEncoder().encode(text);
  return { name, size: bytes.byteLength, bytes: async () => bytes.slice() };
}

function solid(width: number, height: number, value: number): RgbaImage {
  return { width, height, data: new Uint8Array(width * height * 4).fill(value) };
}

/**
 * Decodes "files" whose text says what they are: 'IMG <w>x<h> ...' is an image of that size; 'TXT' is not an
 * image; empty is empty. Counts decodes so tests can see what was decoded again.
 */
export class FakeIngest implements IngestPort {
  decodes: string[] = [];
  async ingest(bytes: Uint8Array, name: string): Promise<IngestOutcome> {
    const text = new TextDecoder().decode(bytes);
    if (bytes.byteLength === 0)
      return { ok: false, error: { name: 'EmptyFileError', message: `"${name}" is empty` } };
    const match = /^IMG (\d+)x(\d+)/.exec(text);
    if (match === null)
      return { ok: false, error: { name: 'NotAnImageError', message: `"${name}" is not an image` } };
    const [width, height] = [Number(match[1]), Number(match[2])];
    const pixels = solid(width, height, 7);
    const record: IngestRecord = {
      id: 'ignored-the-pipeline-hashes-itself',
      name,
      mime: 'image/png',
      format: 'png',
      byteLength: bytes.byteLength,
      width,
      height,
      sourceWidth: width,
      sourceHeight: height,
      orientation: 1,
      info: { bitDepth: 8, colorType: 'rgb', hasAlpha: false, animated: false, frameCount: 1 },
      pixels,
      thumbnail: solid(1, 1, 9),
      warnings: width > 100 ? [`downscaled from ${width}×${height}`] : [],
    };
    return { ok: true, record };
  }
  async decode(bytes: Uint8Array, name: string): Promise<RgbaImage> {
    this.decodes.push(name);
    const match = /^IMG (\d+)x(\d+)/.exec(new TextDecoder().decode(bytes));
    return solid(Number(match?.[1] ?? 1), Number(match?.[2] ?? 1), 7);
  }
}

export class FakeImageStore implements ImageStorePort {
  files = new Map<string, Uint8Array>();
  thumbnails = new Map<string, RgbaImage>();
  captions: { id: string; modelId: string; text: string }[] = [];
  /** When set, `put` fails like src/lib/store does on a full disk. */
  full = false;
  async put(record: IngestRecord, file: Uint8Array): Promise<void> {
    if (this.full) {
      throw Object.assign(new Error(`Storage is full: image "${record.name}" (1 KB) was not saved.`), {
        name: 'StorageFullError',
        what: `image "${record.name}" (1 KB)`,
      });
    }
    // The pipeline must hand over the file bytes, not the record id.
    this.files.set(await hex(file), file.slice());
    this.thumbnails.set(await hex(file), record.thumbnail);
  }
  getFile = async (id: string) => this.files.get(id);
  getThumbnail = async (id: string) => this.thumbnails.get(id);
  delete = async (id: string) => void (this.files.delete(id), this.thumbnails.delete(id));
  async addCaption(id: string, modelId: string, text: string): Promise<void> {
    this.captions.push({ id, modelId, text });
  }
  async hasCaption(id: string, modelId: string, text: string): Promise<boolean> {
    return this.captions.some((c) => c.id === id && c.modelId === modelId && c.text === text);
  }
}

async function hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.slice()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Behaves like the student worker seen through the bridge: batches of settings.batchSize, a progress report
 * per decode step and per finished batch, cooperative pause / cancel between steps, resolves on cancel.
 * Each step waits `stepMs`. The caption says which image it is and the settings it was made with.
 */
export class FakeStudent implements StudentPort {
  calls: { ids: string[]; settings: GenerationSettings }[] = [];
  steps = 0;
  paused = false;
  invalidations = 0;
  stepMs = 1;
  /** Errors the next calls reject with (before doing anything), in order. */
  failures: Error[] = [];
  #wake: (() => void) | null = null;

  resolveDevice = async () => {};
  invalidate = () => void (this.invalidations += 1);
  modelId = () => 'fake/student';
  async pause() {
    this.paused = true;
  }
  async resume() {
    this.paused = false;
    this.#wake?.();
  }

  async caption(
    requests: CaptionRequest[],
    settings: GenerationSettings,
    onProgress: (p: CaptionProgress) => void,
    signal: AbortSignal,
  ): Promise<CaptionRunResult> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.calls.push({ ids: requests.map((r) => r.id), settings });
    let cancelled = false;
    signal.addEventListener('abort', () => {
      cancelled = true;
      this.#wake?.();
    });
    const items: CaptionItemResult[] = [];
    const batchCount = Math.ceil(requests.length / settings.batchSize);
    for (let b = 0; b < batchCount && !cancelled; b++) {
      const batch = requests.slice(b * settings.batchSize, (b + 1) * settings.batchSize);
      for (let step = 1; step <= settings.maxNewTokens && !cancelled; step++) {
        while (this.paused && !cancelled) await new Promise<void>((resolve) => (this.#wake = resolve));
        await tick(this.stepMs);
        this.steps += 1;
        onProgress(report(items.length, requests.length, batch, step, settings, [], this.paused));
      }
      if (cancelled) break;
      const finished: CaptionItemResult[] = batch.map((r) => {
        const { width, height } = r.image as { width: number; height: number };
        return {
          id: r.id,
          status: 'done',
          caption: `image ${width}x${height} by ${settings.strategy}`,
          tokenIds: [width, height],
        };
      });
      items.push(...finished);
      onProgress(
        report(items.length, requests.length, batch, settings.maxNewTokens, settings, finished, false),
      );
    }
    for (const r of requests.slice(items.length)) items.push({ id: r.id, status: 'cancelled' });
    return { items, cancelled, elapsedMs: 0 };
  }
}

function report(
  completed: number,
  total: number,
  batch: CaptionRequest[],
  step: number,
  settings: GenerationSettings,
  finished: CaptionItemResult[],
  paused: boolean,
): CaptionProgress {
  return {
    state: paused ? 'paused' : 'running',
    completed,
    total,
    fraction: (completed + (finished.length ? 0 : (batch.length * step) / settings.maxNewTokens)) / total,
    batchIndex: 0,
    batchCount: 1,
    active: batch.map((r) => ({
      id: r.id,
      stage: 'decoding',
      generatedTokens: step,
      maxNewTokens: settings.maxNewTokens,
    })),
    finished,
  };
}
