/** What every stage of a round works with: the store, the worker ports, the checkpoint book, scoring and the critic. */
import type { StoreApi } from 'zustand/vanilla';
import type { ScoringPort } from '../../lib/score/rule-scoring';
import type { StudioState } from '../../state/studio-state';
import type { CheckpointBook } from './checkpoint-book';
import type { CaptioningPort, CriticRunPort, ImagePixels, TrainingPort } from './ports';

export interface StageDeps {
  readonly store: StoreApi<StudioState>;
  readonly port: TrainingPort;
  readonly book: CheckpointBook;
  readonly captioning: CaptioningPort;
  readonly scoring: ScoringPort;
  readonly pixels: ImagePixels;
  readonly critic?: CriticRunPort;
  readonly newRunId: (round: number) => string;
}
