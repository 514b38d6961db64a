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
