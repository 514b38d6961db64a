import type { RgbaImage } from '../../lib/ingest';

/** A least-recently-used map bounded by total bytes. */
class ByteBoundedLru<V> {
  readonly #entries = new Map<string, V>();
  #bytes = 0;
  constructor(
    readonly budget: number,
    readonly sizeOf: (value: V) => number,
  ) {}

  get(id: string): V | undefined {
    const value = this.#entries.get(id);
    if (value !== undefined) {
      this.#entries.delete(id);
      this.#entries.set(id, value);
    }
    return value;
  }

  set(id: string, value: V): void {
    this.delete(id);
    this.#entries.set(id, value);
    this.#bytes += this.sizeOf(value);
    for (const [oldest, old] of this.#entries) {
      if (this.#bytes <= this.budget || oldest === id) break;
      this.#entries.delete(oldest);
      this.#bytes -= this.sizeOf(old);
    }
  }

  delete(id: string): void {
    const value = this.#entries.get(id);
    if (value === undefined) return;
    this.#entries.delete(id);
    this.#bytes -= this.sizeOf(value);
  }

  get bytes(): number {
    return this.#bytes;
  }
}

export interface MemoryBudgets {
  thumbnails: number;
  unsavedFiles: number;
}

/**
 * What the tab keeps in memory next to IndexedDB: thumbnails (cards draw without a database read) and
 * the file bytes of images that storage had no room for (their only copy). Both bounded; a thumbnail that
 * falls out is read again from IndexedDB, an unsaved file that falls out is gone (its card says so).
 */
export class MemoryImages {
  readonly #thumbnails: ByteBoundedLru<RgbaImage>;
  readonly #files: ByteBoundedLru<Uint8Array>;

  constructor(budgets: MemoryBudgets = { thumbnails: 64 << 20, unsavedFiles: 256 << 20 }) {
    this.#thumbnails = new ByteBoundedLru(budgets.thumbnails, (t) => t.data.byteLength);
    this.#files = new ByteBoundedLru(budgets.unsavedFiles, (f) => f.byteLength);
  }

  thumbnail(id: string): RgbaImage | undefined {
    return this.#thumbnails.get(id);
  }

  rememberThumbnail(id: string, thumbnail: RgbaImage): void {
    this.#thumbnails.set(id, thumbnail);
  }

  unsavedFile(id: string): Uint8Array | undefined {
    return this.#files.get(id);
  }

  rememberUnsavedFile(id: string, bytes: Uint8Array): void {
    this.#files.set(id, bytes);
  }

  forget(id: string): void {
    this.#thumbnails.delete(id);
    this.#files.delete(id);
  }

  get bytes(): { thumbnails: number; unsavedFiles: number } {
    return { thumbnails: this.#thumbnails.bytes, unsavedFiles: this.#files.bytes };
  }
}
