import type { Studio } from '../../flows/studio';
import type { TrainingState } from '../../state/slices/train';
import type { TrainingActions } from '../../flows/train/browser-training';

/** What `window.__capgradTraining` offers e2e tests in test builds: plain data, read through page.evaluate. */
export interface TrainingTestHook {
  /** Resolves when no round is running in this page. */
  idle(): Promise<void>;
  snapshot(): TrainingState;
  /**
   * Calls `listener` synchronously on every change of the training slice; returns the unsubscribe. Lets a test act
   * at an exact point of a run (reload at the first checkpoint) however fast the device trains.
   */
  subscribe(listener: (training: TrainingState) => void): () => void;
  /** The worker stops between steps; the slice still says 'running' (see TrainingController.holdWorker). */
  holdWorker(): void;
  /** Resolves once the studio slice's pending writes are stored. */
  persisted(): Promise<void>;
}

declare global {
  interface Window {
    /** Present in test builds only. */
    __capgradTraining?: TrainingTestHook;
  }
}

/** `__CAPGRAD_TEST__` is false outside test builds, so the bundler drops this body. */
export function installTrainingTestHook(studio: Studio, training: TrainingActions): void {
  if (!__CAPGRAD_TEST__) return;
  window.__capgradTraining = {
    idle: () => training.controller.idle(),
    snapshot: () => studio.store.getState().training,
    subscribe: (listener) =>
      studio.store.subscribe((state, previous) => {
        if (state.training !== previous.training) listener(state.training);
      }),
    holdWorker: () => training.controller.holdWorker(),
    persisted: () => training.controller.persisted(),
  };
}
