import type { WeightingMode } from '../../lib/train/rounds/training-set';
import type { Notice } from '../../lib/train/rounds/guardrails';
import type { RoundPosition, SchedulerStatus } from '../../lib/train/rounds/scheduler-state';
import type { ScoreSummary } from '../../lib/score/round-metrics';
import type { CaptionScores, CocoState } from '../../lib/score/caption-scores';
import { DEFAULT_TUNING_SETTINGS, type TuningSettings } from '../../lib/train/settings';
import type { SliceCreator } from '../studio-state';
import type { ErrorInfo } from './ingest';

/** The round loop's own settings (the run's are TuningSettings). */
export interface LoopSettings {
  readonly rounds: number;
  /** Images with more detected objects than this are 'complex'. */
  readonly complexityThreshold: number;
  readonly weighting: WeightingMode;
  /** Clean images mixed in per accepted caption, at their own caption. */
  readonly cleanRatio: number;
  /** Checkpoints kept besides round ends, the pinned one and the current one. */
  readonly keepLast: number;
}

export interface TrainingSettingsState {
  readonly tuning: TuningSettings;
  readonly loop: LoopSettings;
}

export const DEFAULT_LOOP_SETTINGS: LoopSettings = {
  rounds: 1,
  complexityThreshold: 3,
  weighting: 'uniform',
  cleanRatio: 0.25,
  keepLast: 3,
};

export const DEFAULT_TRAINING_SETTINGS: TrainingSettingsState = {
  tuning: DEFAULT_TUNING_SETTINGS,
  loop: DEFAULT_LOOP_SETTINGS,
};

/** One optimizer step on the loss chart. */
export interface LossPoint {
  readonly round: number;
  /** Step within the round's run (1-based). */
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
}

/** The scores of a round's captions; round -1 holds the captions before any training. */
export interface RoundScores {
  readonly round: number;
  readonly summary: ScoreSummary;
}

/** What the before/after view shows for one image. */
export interface ImageOutcome {
  readonly original?: string;
  readonly target?: string;
  readonly tuned?: string;
  readonly originalScores?: CaptionScores;
  readonly targetScores?: CaptionScores;
  readonly tunedScores?: CaptionScores;
  /** Detected objects (the simple / complex split), when known. */
  readonly objectCount?: number;
}

export interface CheckpointRow {
  readonly id: string;
  readonly runId: string;
  readonly round: number;
  readonly step: number;
  readonly epoch: number;
  readonly kind: 'interval' | 'round-end';
  readonly createdAt: number;
  readonly byteLength: number;
  readonly loss: number | null;
}

/** One preference scorer's model (CLIPScore's or PickScore's): loaded on request, not persisted. */
export interface ClipState {
  readonly status: 'none' | 'loading' | 'ready' | 'error';
  readonly modelId: string | null;
  readonly error?: ErrorInfo;
}

export interface TrainingState {
  readonly settings: TrainingSettingsState;
  readonly status: SchedulerStatus;
  /** The next (or running) stage; null before the first Train. */
  readonly position: RoundPosition | null;
  /** Run id of each round's training (a reload continues the same run). */
  readonly runIds: Readonly<Record<number, string>>;
  /** What is happening now, in words ('encoding 3/8'…); not persisted. */
  readonly phase: string | null;
  readonly losses: readonly LossPoint[];
  readonly scores: readonly RoundScores[];
  readonly images: Readonly<Record<string, ImageOutcome>>;
  readonly checkpoints: readonly CheckpointRow[];
  /** The checkpoint whose weights caption now and training continues from. */
  readonly active: string | null;
  readonly notices: readonly Notice[];
  readonly error: ErrorInfo | null;
  readonly coco: CocoState | null;
  /** The CLIPScore model. */
  readonly clip: ClipState;
  /** The PickScore model. */
  readonly pickScore: ClipState;
  readonly storage: { readonly usage: number; readonly quota: number } | null;
  /**
   * How the last training run started (this page's life only): from scratch, a round's weights, or its own
   * checkpoint.
   */
  readonly lastStart: {
    readonly round: number;
    readonly runId: string;
    readonly fromStep: number | null;
    readonly continues: boolean;
  } | null;
}

export const INITIAL_TRAINING: TrainingState = {
  settings: DEFAULT_TRAINING_SETTINGS,
  status: 'idle',
  position: null,
  runIds: {},
  phase: null,
  losses: [],
  scores: [],
  images: {},
  checkpoints: [],
  active: null,
  notices: [],
  error: null,
  coco: null,
  clip: { status: 'none', modelId: null },
  pickScore: { status: 'none', modelId: null },
  storage: null,
  lastStart: null,
};

const MAX_NOTICES = 5;

export interface TrainingSlice {
  training: TrainingState;
  patchTraining: (patch: Partial<TrainingState>) => void;
  setTuningSettings: (patch: Partial<TuningSettings>) => void;
  setLoopSettings: (patch: Partial<LoopSettings>) => void;
  addLossPoint: (point: LossPoint) => void;
  /** Drops a round's points after `step` (a run resumed from a checkpoint at `step`). */
  truncateLosses: (round: number, step: number) => void;
  setRoundScores: (scores: RoundScores) => void;
  patchImageOutcomes: (patches: Readonly<Record<string, Partial<ImageOutcome>>>) => void;
  addNotice: (notice: Notice) => void;
}

export const createTrainingSlice: SliceCreator<TrainingSlice> = (set) => {
  const update = (f: (t: TrainingState) => Partial<TrainingState>) =>
    set((s) => ({ training: { ...s.training, ...f(s.training) } }));
  return {
    training: INITIAL_TRAINING,
    patchTraining: (patch) => update(() => patch),
    setTuningSettings: (patch) =>
      update((t) => ({ settings: { ...t.settings, tuning: { ...t.settings.tuning, ...patch } } })),
    setLoopSettings: (patch) =>
      update((t) => ({ settings: { ...t.settings, loop: { ...t.settings.loop, ...patch } } })),
    addLossPoint: (point) => update((t) => ({ losses: [...t.losses, point] })),
    truncateLosses: (round, step) =>
      update((t) => ({ losses: t.losses.filter((p) => p.round !== round || p.step <= step) })),
    setRoundScores: (scores) =>
      update((t) => ({
        scores: [...t.scores.filter((s) => s.round !== scores.round), scores].sort(
          (a, b) => a.round - b.round,
        ),
      })),
    patchImageOutcomes: (patches) =>
      update((t) => {
        const images = { ...t.images };
        for (const [id, patch] of Object.entries(patches)) images[id] = { ...images[id], ...patch };
        return { images };
      }),
    addNotice: (notice) => update((t) => ({ notices: [...t.notices, notice].slice(-MAX_NOTICES) })),
  };
};

/** Points in chart order with their x: rounds one after the other, steps within each. */
export function lossSeries(losses: readonly LossPoint[]): { x: number; loss: number; round: number }[] {
  const sorted = [...losses].sort((a, b) => a.round - b.round || a.step - b.step);
  return sorted.map((p, i) => ({ x: i + 1, loss: p.loss, round: p.round }));
}
