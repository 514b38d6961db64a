import type { StoreApi } from 'zustand/vanilla';
import type { CriticEngine } from '../../lib/critic/engines/engine';
import type { StudioState } from '../../state/studio-state';
import type { TextGenerationFn } from '../../lib/core/text-generation';
import type { SynonymTable } from '../../lib/vocabulary/synonyms';
import type { RgbaImage } from '../../lib/ingest';
import type {
  EvidenceOutcome,
  EvidenceProgress,
  EvidenceRequest,
  TeacherSettings,
} from '../../lib/evidence/teacher/types';

/**
 * What the critic runner needs from the outside world: the browser wires these to the teacher worker and
 * IndexedDB (browser-ports.ts); unit tests wire them to fakes. No Comlink, no DOM in the runner.
 */
export interface TeacherPort {
  /** Which device the teacher setting gives and why (for the badge, before anything loads). */
  resolveDevice(): Promise<void>;
  /** Loads the teacher of the current settings if needed, then gathers evidence. */
  evidence(
    requests: EvidenceRequest[],
    settings: TeacherSettings,
    onProgress: (progress: EvidenceProgress) => void,
    signal: AbortSignal,
  ): Promise<EvidenceOutcome[]>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** The teacher setting changed: load again before the next run. */
  invalidate(): void;
  /** Loads the critic's in-tab text model in the teacher worker; returns its generate function. */
  textModel(modelId: string): Promise<TextGenerationFn>;
}

export interface CriticDataPort {
  /** Content-addressed results (evidence, refinements, engine replies). */
  readonly cache: {
    get<T>(key: string): Promise<T | undefined>;
    put(key: string, value: unknown, what?: string): Promise<void>;
  };
  /** The image's normalized pixels from its stored file. */
  pixels(imageId: string, name: string): Promise<RgbaImage>;
  /** Appends an accepted target to the image's caption history for the student model. */
  addTarget(
    imageId: string,
    modelId: string,
    text: string,
    source: 'refined' | 'user',
    extra: Record<string, unknown>,
  ): Promise<void>;
  synonyms(): Promise<SynonymTable>;
}

/** What the critic runner is made with: the store, its ports and the engine of the current settings. */
export interface CriticRunnerDeps {
  store: StoreApi<StudioState>;
  teacher: TeacherPort;
  data: CriticDataPort;
  /** The engine of the current settings, and what else changes its replies (e.g. the endpoint). */
  engine: () => Promise<{ engine: CriticEngine; revision: string }>;
  /** Images per teacher call (the detector batches their crops together). */
  imagesPerCall?: number;
  /** Fresh teacher workers one run may take after crashes or lost GPU devices before it stops. */
  maxRestarts?: number;
  /** False while another tab of the studio owns the work (src/lib/core/tabs): this tab then runs nothing. */
  mayRun?: () => boolean;
}
