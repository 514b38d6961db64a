import type { StoreApi } from 'zustand/vanilla';
import type { RgbaImage } from '../lib/ingest';
import { mayRunWork, type OwnershipState } from '../lib/core/tabs/ownership';
import { errorSummary } from '../lib/core/errors';
import type { StudioState } from '../state/studio-state';
import { CaptionRunner } from './caption/caption-runner';
import { IngestQueue } from './ingest/ingest-queue';
import { MemoryImages, type MemoryBudgets } from './ingest/memory-images';
import type { IncomingFile, ImageStorePort, IngestPort, StudentPort } from './studio-ports';

export interface StudioDeps {
  store: StoreApi<StudioState>;
  /** Resolves when the saved state is loaded; nothing runs before. */
  hydrated: Promise<void>;
  /** Resolves when every state change so far is written. */
  flush: () => Promise<void>;
  ingest: IngestPort;
  images: ImageStorePort;
  student: StudentPort;
  memoryBudgets?: MemoryBudgets;
  batchesPerCall?: number;
  /** Which tab owns the work (src/lib/core/tabs); without it this tab always does (a single tab, unit tests). */
  owner?: WorkOwner;
  /** Called after another tab's records reached this tab's state (photos it added wait here for captions). */
  onRemoteChange?: (listener: () => void) => () => void;
  /**
   * Reads every record again. A tab that just got the lock may not have heard the old owner's last writes
   * yet (the lock and the channel are not ordered); it reads them before it captions, or it would caption
   * again what the old owner stored.
   */
  resync?: () => Promise<void>;
}

/** Which tab runs the work (TabOwner in the browser): its state, its changes, and "Take over". */
export interface WorkOwner {
  readonly state: OwnershipState;
  subscribe(listener: (state: OwnershipState) => void): () => void;
  askTakeover(): void;
}

/**
 * What the UI can ask of the studio. Components call these and read the store; they never see a worker,
 * a database or a queue.
 */
export interface Studio {
  readonly store: StoreApi<StudioState>;
  /** Which tab of the studio runs the work; null when this tab always does (no Web Locks, unit tests). */
  readonly owner: WorkOwner | null;
  /** Resolves when the saved state is loaded and unfinished work has been picked up again. */
  readonly ready: Promise<void>;
  /** Files, or files still being collected (a folder walk): `settled()` waits for them either way. */
  addFiles(files: readonly IncomingFile[] | Promise<readonly IncomingFile[]>): Promise<void>;
  pause(): void;
  resume(): void;
  cancel(): void;
  /** Another tab takes over: stops the run (unfinished images back to the queue) and writes the state. */
  handOver(): Promise<void>;
  /**
   * The critic and training stop their runs with `stop` when this tab hands the work over (they live beside the
   * studio); the lock is let go only after every one resolved. Returns the unregister function.
   */
  onHandOver(stop: () => Promise<void>): () => void;
  /** Caption these cards again (all captionable cards when omitted), with the current settings. */
  captionAgain(ids?: readonly string[]): void;
  remove(id: string): Promise<void>;
  thumbnail(id: string): Promise<RgbaImage | undefined>;
  /** Resolves when nothing is being ingested or captioned and the state is saved. */
  settled(): Promise<void>;
  dispose(): void;
}

export function createStudio(deps: StudioDeps): Studio {
  const { store } = deps;
  const memory = new MemoryImages(deps.memoryBudgets);
  const mayRunOwnWork = (): boolean => deps.owner === undefined || mayRunWork(deps.owner.state);
  const runner = new CaptionRunner({
    store,
    student: deps.student,
    images: deps.images,
    ingest: deps.ingest,
    memory,
    ...(deps.batchesPerCall === undefined ? {} : { batchesPerCall: deps.batchesPerCall }),
    mayRun: () => mayRunOwnWork(),
    persisted: deps.flush,
  });
  const ingestQueue = new IngestQueue({
    store,
    ingest: deps.ingest,
    images: deps.images,
    memory,
    onQueued: () => runner.kick(),
  });

  // The model or device changed: what is loaded no longer counts, the badge may change, and the work that
  // waits (a load failure of the old model leaves cards queued) is the new model's to do.
  const unsubscribe = store.subscribe((state, previous) => {
    const { model, device } = state.settings;
    if (model === previous.settings.model && device === previous.settings.device) return;
    deps.student.invalidate();
    state.studentStale();
    void deps.student.resolveDevice().catch(() => {});
    runner.studentChanged();
  });

  // This tab became the owner (the other closed, or handed over): the waiting work is its own now. Photos
  // another tab added arrive as records: an owner captions them.
  const unsubscribeOwner =
    deps.owner?.subscribe((state) => {
      if (!mayRunWork(state)) return;
      const start = () => {
        runner.kick();
        void runner.restoreHistory();
      };
      void (deps.resync?.() ?? Promise.resolve()).then(start, start);
    }) ?? (() => {});
  const unsubscribeRemote = deps.onRemoteChange?.(() => runner.kick()) ?? (() => {});

  const ready = deps.hydrated.then(() => {
    void deps.student.resolveDevice().catch((error: unknown) => {
      store.getState().studentFailed(errorSummary(error));
    });
    runner.kick(); // unfinished work from before the reload (unless the user had paused)
    if (mayRunOwnWork()) void runner.restoreHistory();
  });

  const handOvers = new Set<() => Promise<void>>();

  return {
    store,
    owner: deps.owner ?? null,
    ready,
    addFiles: (files) => ingestQueue.add(ready.then(() => files)),
    pause: () => runner.pause(),
    resume: () => runner.resume(),
    cancel: () => runner.cancel(),
    async handOver() {
      await Promise.all([runner.handOver(), ...[...handOvers].map((stop) => stop().catch(() => {}))]);
      await deps.flush();
      await runner.historyWritten();
    },
    captionAgain(ids) {
      const s = store.getState();
      runner.requeue(ids ?? s.order);
    },
    async remove(id) {
      const card = store.getState().cards[id];
      if (card === undefined || card.status === 'captioning' || card.status === 'ingesting') return;
      store.getState().removeCard(id);
      memory.forget(id);
      await deps.images.delete(id);
    },
    async thumbnail(id) {
      const cached = memory.thumbnail(id);
      if (cached !== undefined) return cached;
      const stored = await deps.images.getThumbnail(id);
      if (stored !== undefined) memory.rememberThumbnail(id, stored);
      return stored;
    },
    onHandOver(stop) {
      handOvers.add(stop);
      return () => handOvers.delete(stop);
    },
    async settled() {
      await ready;
      // Ingest kicks the runner; a finished run may have let more ingest through: loop until both rest.
      for (;;) {
        await ingestQueue.idle();
        await runner.idle();
        if (ingestQueue.pending === 0 && !isBusy(store.getState())) break;
      }
      await deps.flush();
      await runner.historyWritten();
    },
    dispose: () => {
      unsubscribe();
      unsubscribeOwner();
      unsubscribeRemote();
    },
  };
}

function isBusy(state: StudioState): boolean {
  return state.run.state !== 'idle';
}
