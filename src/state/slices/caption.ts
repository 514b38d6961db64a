/** The caption stage's state: the student's captioning run and each image's progress in it. */
import type { SliceCreator } from '../studio-state';
import type { ErrorInfo } from './ingest';

/** Progress of one image inside the running batch. */
export interface ImageProgress {
  stage: 'waiting' | 'preprocessing' | 'encoding' | 'decoding' | 'finished';
  generatedTokens: number;
  maxNewTokens: number;
}

/**
 * The captioning run. `paused` is the user's intent and is persisted (a paused studio stays paused after a
 * reload); `state` is what is happening now.
 */
export interface CaptionRunState {
  state: 'idle' | 'running' | 'paused' | 'cancelling';
  paused: boolean;
  /** Images with a final result in this run, and the run's size. */
  completed: number;
  total: number;
  /** Overall progress in [0, 1], counting partial progress of the running batch. */
  fraction: number;
  /**
   * Why the last run stopped early (worker crash, model failed to load), shown until the next run or until the
   * model or device changes (the reason was about the previous one).
   */
  error: ErrorInfo | null;
}

export interface CaptionSlice {
  run: CaptionRunState;
  /** Per-image progress of the current run (not persisted). */
  progress: Record<string, ImageProgress>;
  runStarted: (total: number) => void;
  runProgress: (completed: number, total: number, fraction: number) => void;
  runFinished: (error?: ErrorInfo) => void;
  clearRunError: () => void;
  setPaused: (paused: boolean) => void;
  setCancelling: () => void;
  setProgress: (progress: Record<string, ImageProgress>) => void;
}

export const IDLE_RUN: CaptionRunState = {
  state: 'idle',
  paused: false,
  completed: 0,
  total: 0,
  fraction: 0,
  error: null,
};

export const createCaptionSlice: SliceCreator<CaptionSlice> = (set) => ({
  run: IDLE_RUN,
  progress: {},
  runStarted: (total) =>
    set((s) => ({
      run: {
        ...s.run,
        state: s.run.paused ? 'paused' : 'running',
        completed: 0,
        total,
        fraction: 0,
        error: null,
      },
    })),
  runProgress: (completed, total, fraction) =>
    set((s) => ({ run: { ...s.run, completed, total, fraction: Math.min(1, Math.max(0, fraction)) } })),
  runFinished: (error) => set((s) => ({ run: { ...s.run, state: 'idle', error: error ?? null } })),
  clearRunError: () => set((s) => (s.run.error === null ? s : { run: { ...s.run, error: null } })),
  setPaused: (paused) =>
    set((s) => ({
      run: {
        ...s.run,
        paused,
        state:
          s.run.state === 'idle' || s.run.state === 'cancelling'
            ? s.run.state
            : paused
              ? 'paused'
              : 'running',
      },
    })),
  setCancelling: () => set((s) => ({ run: { ...s.run, state: 'cancelling' } })),
  setProgress: (progress) => set({ progress }),
});
