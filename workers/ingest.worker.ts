import * as Comlink from 'comlink';
import {
  DEFAULT_STUDENT_SIDE,
  decodeImage,
  ingestFile,
  isImageIngestError,
  toIngestErrorInfo,
  type IngestErrorInfo,
  type IngestOptions,
  type IngestRecord,
  type RgbaImage,
} from '../src/lib/ingest';
import { browserDecoder } from './platform/browser-decoder';

export type IngestOutcome = { ok: true; record: IngestRecord } | { ok: false; error: IngestErrorInfo };

const decoder = browserDecoder();

/** Files are decoded one after another: one large bitmap in memory at a time. */
async function ingestOne(bytes: Uint8Array, name: string, options?: IngestOptions): Promise<IngestOutcome> {
  try {
    return { ok: true, record: await ingestFile(bytes, name, decoder, options) };
  } catch (error) {
    // ingestFile rejects only with ImageIngestError; anything else is a bug worth its real name.
    if (isImageIngestError(error)) return { ok: false, error: toIngestErrorInfo(error) };
    const { name: errorName = 'Error', message = String(error) } = error as Partial<Error>;
    return { ok: false, error: { name: errorName, message, fileName: name } };
  }
}

/** Pixel buffers go back transferred, not copied (a thumbnail may share its buffer with the pixels). */
function transferringPixels<T>(value: T, images: RgbaImage[]): T {
  const buffers = new Set(images.map((image) => image.data.buffer as ArrayBuffer));
  return Comlink.transfer(value, [...buffers]);
}

const recordsOf = (outcomes: IngestOutcome[]) =>
  outcomes.flatMap((o) => (o.ok ? [o.record.pixels, o.record.thumbnail] : []));

const api = {
  /** Ingest one file; never rejects for a bad file (the outcome says why, with the error's name). */
  async ingestOne(bytes: Uint8Array, name: string, options?: IngestOptions): Promise<IngestOutcome> {
    const outcome = await ingestOne(bytes, name, options);
    return transferringPixels(outcome, recordsOf([outcome]));
  },

  /** Ingest several files in order; one bad file never stops the others. */
  async ingest(
    files: Array<{ name: string; bytes: Uint8Array }>,
    options?: IngestOptions,
    onProgress?: (done: number, total: number, outcome: IngestOutcome) => void,
  ): Promise<IngestOutcome[]> {
    const outcomes: IngestOutcome[] = [];
    for (const file of files) {
      const outcome = await ingestOne(file.bytes, file.name, options);
      outcomes.push(outcome);
      // Progress carries the outcome without pixels: they come once, with the result.
      const light: IngestOutcome = outcome.ok
        ? { ok: true, record: { ...outcome.record, pixels: { width: 0, height: 0, data: new Uint8Array() } } }
        : outcome;
      onProgress?.(outcomes.length, files.length, light);
    }
    return transferringPixels(outcomes, recordsOf(outcomes));
  },

  /**
   * Normalized pixels of a stored file (after a reload the ingest pixels are gone), longest side
   * `maxSide` (224 for the student by default). Rejects with the ImageIngestError of a bad file.
   */
  async decode(bytes: Uint8Array, name: string, maxSide = DEFAULT_STUDENT_SIDE): Promise<RgbaImage> {
    const { pixels } = await decodeImage(bytes, name, decoder, { maxSide });
    return transferringPixels(pixels, [pixels]);
  },
};

export type IngestWorkerApi = typeof api;

Comlink.expose(api);
