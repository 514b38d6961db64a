/**
 * The ingest stage's state: the cards (one per image, added by ingest; the caption stage fills in status and
 * caption through updateCard and setStatus) in the order they were added, and what could not be saved.
 */
import type { SliceCreator } from '../studio-state';

/**
 * - ingesting: being decoded; not stored yet.
 * - queued: stored, waiting for a caption.  captioning: in the student's current run.
 * - captioned: has a caption.  failed: ingest or caption failed (`error` says why).
 * - cancelled: the run was cancelled before its turn; "Caption" queues it again.
 */
export type ImageStatus = 'ingesting' | 'queued' | 'captioning' | 'captioned' | 'failed' | 'cancelled';

/** What crosses every boundary about a failure: the UI branches on `name`, shows `message` as text. */
export interface ErrorInfo {
  name: string;
  message: string;
}

/** One card. Pixels and file bytes live in IndexedDB under `id`, never here. */
export interface ImageCard {
  /** Content hash of the file bytes; for a file that failed to ingest, `failed:<hash>:<name>`. */
  id: string;
  name: string;
  byteLength: number;
  /** Full size as the user sees it (orientation applied); absent when the file could not be read. */
  width?: number;
  height?: number;
  status: ImageStatus;
  caption?: string;
  /** The model that wrote `caption`. */
  captionModel?: string;
  error?: ErrorInfo;
  /** Things done to the image that a person may want to know (downscaled, first GIF frame used). */
  warnings: string[];
  addedAt: number;
  /** False when storage was full: the card lives only in this tab and is not persisted. */
  saved: boolean;
}

/** What could not be saved because storage was full, for the banner that names it. */
export interface StorageProblem {
  /** e.g. `image "cat.jpg" (2.1 MB)` or `captions of 3 images`. */
  what: string[];
  message: string;
}

export interface IngestSlice {
  cards: Record<string, ImageCard>;
  /** Card ids in the order they were added. */
  order: string[];
  storageProblem: StorageProblem | null;
  /** Adds a card unless one with the same id exists; returns false for a duplicate. */
  addCard: (card: ImageCard) => boolean;
  updateCard: (id: string, patch: Partial<Omit<ImageCard, 'id'>>) => void;
  removeCard: (id: string) => void;
  setStatus: (ids: readonly string[], status: ImageStatus) => void;
  reportNotSaved: (what: string, message: string) => void;
  dismissStorageProblem: () => void;
}

export const createIngestSlice: SliceCreator<IngestSlice> = (set, get) => ({
  cards: {},
  order: [],
  storageProblem: null,
  addCard: (card) => {
    if (get().cards[card.id] !== undefined) return false;
    set((s) => ({ cards: { ...s.cards, [card.id]: card }, order: [...s.order, card.id] }));
    return true;
  },
  updateCard: (id, patch) =>
    set((s) => {
      const card = s.cards[id];
      return card === undefined ? {} : { cards: { ...s.cards, [id]: { ...card, ...patch } } };
    }),
  // A removed card's caption progress (the caption slice's) goes with it, in the same update.
  removeCard: (id) =>
    set((s) => {
      const { [id]: _removed, ...cards } = s.cards;
      const { [id]: _progress, ...progress } = s.progress;
      return { cards, progress, order: s.order.filter((x) => x !== id) };
    }),
  setStatus: (ids, status) =>
    set((s) => {
      const cards = { ...s.cards };
      for (const id of ids) {
        const card = cards[id];
        if (card !== undefined) cards[id] = { ...card, status };
      }
      return { cards };
    }),
  reportNotSaved: (what, message) =>
    set((s) => ({
      storageProblem: {
        what: [...(s.storageProblem?.what ?? []), what].filter((x, i, all) => all.indexOf(x) === i),
        message,
      },
    })),
  dismissStorageProblem: () => set({ storageProblem: null }),
});

/** Cards in display order. */
export function orderedCards(state: Pick<IngestSlice, 'cards' | 'order'>): ImageCard[] {
  return state.order.map((id) => state.cards[id]).filter((c): c is ImageCard => c !== undefined);
}

/** Counts per status, for the overall progress line. */
export function statusCounts(state: Pick<IngestSlice, 'cards'>): Record<ImageStatus, number> {
  const counts: Record<ImageStatus, number> = {
    ingesting: 0,
    queued: 0,
    captioning: 0,
    captioned: 0,
    failed: 0,
    cancelled: 0,
  };
  for (const card of Object.values(state.cards)) counts[card.status] += 1;
  return counts;
}
