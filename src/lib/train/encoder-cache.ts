/**
 * Encoder outputs per image, computed once and kept (docs/architecture.md decision 2: the encoder is frozen,
 * so its output for an image never changes while the same encoder is loaded): a training step then runs only
 * the decoder graphs, and the next round reuses every image's states. Keyed by image id within one encoder; a
 * new encoder (another model) starts an empty cache.
 */
export interface EncoderStates {
  /** [sequence × width], row-major. */
  readonly data: Float32Array;
  readonly sequence: number;
  readonly width: number;
}

/** Computes the states of a batch of images, in order. */
export type EncodeImages<Image> = (images: readonly Image[]) => Promise<EncoderStates[]>;

export class EncoderStatesCache {
  #encoderId: string | null = null;
  readonly #states = new Map<string, EncoderStates>();

  /** Makes the cache belong to `encoderId`; another id than before empties it. */
  useEncoder(encoderId: string): void {
    if (this.#encoderId === encoderId) return;
    this.#encoderId = encoderId;
    this.#states.clear();
  }

  get size(): number {
    return this.#states.size;
  }

  get(imageId: string): EncoderStates | undefined {
    return this.#states.get(imageId);
  }

  /** Ids of `imageIds` that have no states yet. */
  missing(imageIds: readonly string[]): string[] {
    return [...new Set(imageIds)].filter((id) => !this.#states.has(id));
  }

  /** Encodes the images not cached yet, `batchSize` at a time; `onBatch` reports progress. */
  async fill<Image>(
    items: readonly { readonly id: string; readonly image: Image }[],
    encode: EncodeImages<Image>,
    batchSize: number,
    onBatch?: (done: number, total: number) => void,
  ): Promise<void> {
    const todo = items.filter((item) => !this.#states.has(item.id));
    for (let i = 0; i < todo.length; i += batchSize) {
      const batch = todo.slice(i, i + batchSize);
      const states = await encode(batch.map((b) => b.image));
      batch.forEach((b, j) => this.#states.set(b.id, states[j]!));
      onBatch?.(Math.min(i + batchSize, todo.length), todo.length);
    }
  }
}
