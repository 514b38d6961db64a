import { sha256Hex } from '../../lib/ingest';
import { errorSummary } from '../../lib/core/errors';
import { notSavedMessage } from '../../state/persist/not-saved';
import type { StudioState } from '../../state/studio-state';
import type { IncomingFile, ImageStorePort, IngestPort } from '../studio-ports';
import { FileReadError } from '../caption/errors';
import type { MemoryImages } from './memory-images';
import type { StoreApi } from 'zustand/vanilla';

export interface IngestQueueDeps {
  store: StoreApi<StudioState>;
  ingest: IngestPort;
  images: ImageStorePort;
  memory: MemoryImages;
  /** Called after every file that became a queued card (the caption runner picks it up). */
  onQueued: () => void;
  now?: () => number;
}

/**
 * Turns incoming files into cards, one file at a time: read, hash (the card id: the same bytes dropped
 * twice are one card), decode in the ingest worker, store file and thumbnail. A bad file becomes a card
 * with its own error; a full disk leaves the card in this tab only and names it in the storage banner.
 */
export class IngestQueue {
  readonly #deps: IngestQueueDeps;
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(deps: IngestQueueDeps) {
    this.#deps = deps;
  }

  get pending(): number {
    return this.#pending;
  }

  /**
   * Queues the files; resolves when all of them (and everything queued before) are handled. The files
   * may still be coming (a folder being walked): the queue counts as busy from this call on.
   */
  async add(incoming: readonly IncomingFile[] | Promise<readonly IncomingFile[]>): Promise<void> {
    if (!Array.isArray(incoming)) {
      this.#pending += 1;
      try {
        return await this.add(await incoming);
      } catch {
        return; // the drop could not be read at all; nothing to add
      } finally {
        this.#done();
      }
    }
    const files = incoming as readonly IncomingFile[];
    this.#pending += files.length;
    for (const file of files) {
      this.#tail = this.#tail.then(() => this.#one(file)).finally(() => this.#done());
    }
    return this.#tail;
  }

  /** Resolves when nothing is waiting to be ingested. */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #done(): void {
    this.#pending -= 1;
    if (this.#pending === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  async #one(file: IncomingFile): Promise<void> {
    const { store, ingest, images, memory, onQueued } = this.#deps;
    const now = this.#deps.now ?? Date.now;
    let bytes: Uint8Array;
    try {
      bytes = await file.bytes();
    } catch (error) {
      // Unreadable (moved, permission revoked): no bytes, so no hash; the name keeps the card apart.
      const id = `unreadable:${file.name}`;
      store.getState().addCard({
        id,
        name: file.name,
        byteLength: file.size,
        status: 'failed',
        error: errorSummary(
          new FileReadError(`"${file.name}" could not be read (${errorSummary(error).message}).`),
        ),
        warnings: [],
        addedAt: now(),
        saved: true,
      });
      return;
    }
    const id = await sha256Hex(bytes);
    const addedAt = now();
    const added = store.getState().addCard({
      id,
      name: file.name,
      byteLength: bytes.byteLength,
      status: 'ingesting',
      warnings: [],
      addedAt,
      saved: false,
    });
    if (!added) {
      // The same content is already a card: say so on it when this copy had another name.
      const card = store.getState().cards[id];
      const note = `also dropped as "${file.name}"`;
      if (card !== undefined && card.name !== file.name && !card.warnings.includes(note))
        store.getState().updateCard(id, { warnings: [...card.warnings, note] });
      return;
    }

    let outcome: Awaited<ReturnType<IngestPort['ingest']>>;
    try {
      outcome = await ingest.ingest(bytes, file.name);
    } catch (error) {
      // The worker itself failed (crashed on this file, say): this card fails, the queue goes on.
      outcome = { ok: false, error: errorSummary(error) };
    }
    if (!outcome.ok) {
      store.getState().updateCard(id, { status: 'failed', error: outcome.error, saved: true });
      return;
    }
    const { record } = outcome;
    memory.rememberThumbnail(id, record.thumbnail);
    let saved = true;
    try {
      await images.put(record, bytes, addedAt);
    } catch (error) {
      saved = false;
      memory.rememberUnsavedFile(id, bytes);
      // src/lib/store's StorageFullError says what was not saved (the image's name and size).
      const what = (error as { what?: unknown }).what;
      store
        .getState()
        .reportNotSaved(typeof what === 'string' ? what : `image "${file.name}"`, notSavedMessage(error));
    }
    store.getState().updateCard(id, {
      status: 'queued',
      width: record.sourceWidth,
      height: record.sourceHeight,
      warnings: record.warnings,
      saved,
    });
    onQueued();
  }
}
