import type { IngestRecord, RgbaImage } from '../lib/ingest';
import type {
  CaptionProgress,
  CaptionRequest,
  CaptionRunResult,
  GenerationSettings,
} from '../lib/caption/types';
import type { ErrorInfo } from '../state/slices/ingest';

/**
 * What the studio facade (studio.ts: ingest and caption) needs from the outside world, as small interfaces:
 * the browser wires them to the workers and IndexedDB (wiring.ts); unit tests wire them to fakes. No Comlink,
 * no DOM in here.
 */

export type IngestOutcome = { ok: true; record: IngestRecord } | { ok: false; error: ErrorInfo };

export interface IngestPort {
  /** Decodes, normalizes and hashes one file (in the ingest worker). Never rejects for a bad file. */
  ingest(bytes: Uint8Array, name: string): Promise<IngestOutcome>;
  /** Pixels for the student from a stored file (after a reload the ingest pixels are gone). */
  decode(bytes: Uint8Array, name: string): Promise<RgbaImage>;
}

/** Image bytes and caption history in IndexedDB (src/lib/store), by card id. */
export interface ImageStorePort {
  /** Stores file and thumbnail; rejects with StorageFullError (its `what` names the image) when full. */
  put(record: IngestRecord, file: Uint8Array, addedAt: number): Promise<void>;
  getFile(id: string): Promise<Uint8Array | undefined>;
  getThumbnail(id: string): Promise<RgbaImage | undefined>;
  delete(id: string): Promise<void>;
  /** Appends the student's caption to the image's history for `modelId`. */
  addCaption(id: string, modelId: string, text: string, extra: Record<string, unknown>): Promise<void>;
  /** Whether the image's history for `modelId` has this caption. */
  hasCaption(id: string, modelId: string, text: string): Promise<boolean>;
}

export interface StudentPort {
  /** Which device the current setting gives and why (for the badge, before any model loads). */
  resolveDevice(): Promise<void>;
  /** Loads the model of the current settings if needed, then captions. Resolves (not rejects) on cancel. */
  caption(
    requests: CaptionRequest[],
    settings: GenerationSettings,
    onProgress: (progress: CaptionProgress) => void,
    signal: AbortSignal,
  ): Promise<CaptionRunResult>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** The model or device setting changed: load again before the next run. */
  invalidate(): void;
  /** The model id the captions are stored under. */
  modelId(): string;
}

/** A file as it comes from a drop, the picker or a paste; bytes are read only when its turn comes. */
export interface IncomingFile {
  /** Path inside a dropped folder, or the file name. */
  name: string;
  size: number;
  bytes: () => Promise<Uint8Array>;
}
