import type { StoreApi } from 'zustand/vanilla';
import { notSavedMessage } from '../../state/persist/not-saved';
import type { StudioState } from '../../state/studio-state';
import type { ImageStorePort } from '../studio-ports';

export interface CaptionHistoryDeps {
  store: StoreApi<StudioState>;
  images: ImageStorePort;
  /** Resolves once the state's pending writes are stored (the card's record: its status and caption). */
  persisted: () => Promise<void>;
}

/** A caption just put on a stored card, with what its history entry keeps besides the text. */
export interface NewCaption {
  readonly id: string;
  readonly name: string;
  readonly modelId: string;
  readonly caption: string;
  readonly extra: Record<string, unknown>;
}

/**
 * The stored cards' caption history. The card's record (status and caption in one record, one transaction)
 * is what says the photo is captioned; the caption's history entry goes in after that record is stored, so a
 * tab closed in between leaves no history entry for a caption whose card still waits (the next owner redoes
 * it), and a card stored as captioned whose entry is missing gets it from the next owner (`restore`).
 */
export class CaptionHistory {
  readonly #deps: CaptionHistoryDeps;
  /** Entries waiting for their card's record to be stored, by card id. */
  readonly #writes = new Map<string, Promise<void>>();
  /** The check of stored cards against their history (restore), while it runs. */
  #restoring: Promise<void> | null = null;

  constructor(deps: CaptionHistoryDeps) {
    this.#deps = deps;
  }

  /** Writes the entry of a caption once its card's record is stored; a failure is reported, not thrown. */
  add({ id, name, modelId, caption, extra }: NewCaption): void {
    const write = this.#deps
      .persisted()
      .then(() => this.#deps.images.addCaption(id, modelId, caption, extra))
      .catch((error: unknown) => {
        this.#deps.store.getState().reportNotSaved(`caption of "${name}"`, notSavedMessage(error));
      })
      .finally(() => {
        if (this.#writes.get(id) === write) this.#writes.delete(id);
      });
    this.#writes.set(id, write);
  }

  /** Resolves once every entry so far is written (or failed), the restore included. */
  async written(): Promise<void> {
    await this.#restoring;
    while (this.#writes.size > 0) await Promise.all([...this.#writes.values()]);
  }

  /**
   * The entries a closed tab did not get to write: a card stored as captioned whose caption is not in its
   * history (the tab closed between the card's record and the entry) gets the entry now. Run by the owner
   * when it starts; cards whose entry this tab is about to write are left to that write.
   */
  restore(): Promise<void> {
    this.#restoring ??= this.#restore().finally(() => (this.#restoring = null));
    return this.#restoring;
  }

  async #restore(): Promise<void> {
    const { order, cards } = this.#deps.store.getState();
    for (const id of order) {
      const card = cards[id];
      if (card?.status !== 'captioned' || !card.saved || this.#writes.has(id)) continue;
      if (card.caption === undefined || card.captionModel === undefined) continue;
      try {
        if (await this.#deps.images.hasCaption(id, card.captionModel, card.caption)) continue;
        // Checked again after the read: a caption this tab made meanwhile writes its own entry.
        const now = this.#deps.store.getState().cards[id];
        if (this.#writes.has(id) || now?.caption !== card.caption) continue;
        await this.#deps.images.addCaption(id, card.captionModel, card.caption, { restored: true });
      } catch {
        // Storage full or gone: the card keeps its caption (what the studio shows); the entry is tried again
        // at the next start. Not reported at every start: the banner names what the person would miss.
        return;
      }
    }
  }
}
