import type { RgbaImage } from '../../lib/images';

/** A least-recently-used map bounded by total bytes. */
class ByteBoundedLru<V extends { data: Uint8Array }> {
  readonly #entries = new Map<string, V>();
  #bytes = 0;
  constructor(readonly budget: number) {}

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
    this.#bytes += value.data.byteLength;
    for (const [oldest, old] of this.#entries) {
      if (this.#bytes <= this.budget || oldest === id) break;
      this.#entries.delete(oldest);
      this.#bytes -= old.data.byteLength;
    }
  }

  delete(id: string): V | undefined {
    const value = this.#entries.get(id);
    if (value !== undefined) {
      this.#entries.delete(id);
      this.#bytes -= value.data.byteLength;
    }
    return value;
  }

  get bytes(): number {
    return this.#bytes;
  }
}

/**
 * Pixels decoded at ingest, kept until the student takes them (so a fresh drop is not decoded twice), and
 * thumbnails (so cards draw without a database read; the only copy for images storage had no room for).
 * Both bounded: what falls out is decoded or read again from IndexedDB when needed.
 */
export class PixelCache {
  readonly #pixels: ByteBoundedLru<RgbaImage>;
  readonly #thumbnails: ByteBoundedLru<RgbaImage>;

  constructor(budgets: { pixels: number; thumbnails: number } = { pixels: 256 << 20, thumbnails: 64 << 20 }) {
    this.#pixels = new ByteBoundedLru(budgets.pixels);
    this.#thumbnails = new ByteBoundedLru(budgets.thumbnails);
  }

  set(id: string, pixels: RgbaImage, thumbnail: RgbaImage): void {
    this.#pixels.set(id, pixels);
    this.#thumbnails.set(id, thumbnail);
  }

  /** Removes and returns the pixels: they are about to be transferred to the student worker. */
  takePixels(id: string): RgbaImage | undefined {
    return this.#pixels.delete(id);
  }

  thumbnail(id: string): RgbaImage | undefined {
    return this.#thumbnails.get(id);
  }

  rememberThumbnail(id: string, thumbnail: RgbaImage): void {
    this.#thumbnails.set(id, thumbnail);
  }

  forget(id: string): void {
    this.#pixels.delete(id);
    this.#thumbnails.delete(id);
  }

  get pixelBytes(): number {
    return this.#pixels.bytes;
  }
}
