/**
 * The critique: the loss of the TextGrad-style loop. Findings name objects by COCO category where the
 * synonyms know them (else by the word used), so critiques from the rule checker and from LLM engines
 * can be compared, averaged and turned into edits the same way.
 *
 * Score, in [0, 1], 1 for a clean caption (documented here, used everywhere):
 *   m = objects the caption mentions (distinct), h = of those, hallucinated, o = salient objects omitted,
 *   c = count mismatches, r = relation mismatches;
 *   precision   = (m − h) / m            (1 when m = 0)
 *   recall      = (m − h) / (m − h + o)  (1 when the denominator is 0)
 *   consistency = 1 / (1 + c + r)
 *   score = 0.5 · precision + 0.3 · recall + 0.2 · consistency;   loss = 1 − score.
 * Hallucinations weigh most (they are what the student must unlearn); omissions next; count and relation
 * slips least, as their evidence (boxes from a 1 MB detector) is the least certain.
 */
import type { Box } from '../evidence/boxes';

export type Relation = 'left of' | 'right of' | 'on' | 'under' | 'on the left' | 'on the right';

/** Which evidence supports a mention. */
export type SupportKind = 'detector' | 'florence-od' | 'region' | 'detailed-caption';

export interface MentionVerdict {
  readonly object: string;
  /** The noun phrase as written. */
  readonly text: string;
  readonly grounded: boolean;
  readonly support: readonly SupportKind[];
  /**
   * With calibrated verdicts (calibration.ts): confirmed (the evidence shows it), contradicted (it does not, and
   * would very likely have), unverified (it does not, but often misses such objects); absent without them.
   */
  readonly verdict?: 'confirmed' | 'unverified' | 'contradicted';
  /** How often the evidence names this category when it is there (the calibration's recall), when known. */
  readonly evidenceRecall?: number;
}

export interface Hallucination {
  readonly object: string;
  readonly text: string;
  readonly reason: string;
}

export interface Omission {
  readonly object: string;
  readonly count: number;
  /** Where it is and who saw it (absent when an LLM reported the omission). */
  readonly box?: Box;
  readonly zoomLevels?: readonly number[];
  readonly sources?: readonly string[];
}

export interface CountMismatch {
  readonly object: string;
  readonly text: string;
  /** What the caption says: a number, or 'many' for a bare plural. */
  readonly claimed: number | 'many';
  readonly actual: number;
}

export interface RelationMismatch {
  readonly subject: string;
  readonly relation: Relation;
  /** Absent for 'on the left' / 'on the right'. */
  readonly object?: string;
  readonly text: string;
  /** What the boxes show instead, when they show something definite. */
  readonly observed?: Relation;
}

export interface Findings {
  readonly mentions: readonly MentionVerdict[];
  readonly hallucinations: readonly Hallucination[];
  readonly omissions: readonly Omission[];
  readonly countMismatches: readonly CountMismatch[];
  readonly relationMismatches: readonly RelationMismatch[];
}

/** A prompt as it was sent: stored with every critique, feedback and rewrite. */
export interface PromptRecord {
  readonly id: string;
  readonly version: number;
  readonly text: string;
}

export interface Critique extends Findings {
  readonly caption: string;
  readonly score: number;
  readonly clean: boolean;
  /** Engine id that produced it. */
  readonly engine: string;
  readonly prompt: PromptRecord;
}

export const SCORE_WEIGHTS = Object.freeze({ precision: 0.5, recall: 0.3, consistency: 0.2 });

export function scoreFindings(f: Findings): number {
  const m = new Set(f.mentions.map((x) => x.object)).size;
  const h = Math.min(new Set(f.hallucinations.map((x) => x.object)).size, m);
  const o = new Set(f.omissions.map((x) => x.object)).size;
  const grounded = m - h;
  const precision = m === 0 ? 1 : grounded / m;
  const recall = grounded + o === 0 ? 1 : grounded / (grounded + o);
  const consistency = 1 / (1 + f.countMismatches.length + f.relationMismatches.length);
  return (
    SCORE_WEIGHTS.precision * precision +
    SCORE_WEIGHTS.recall * recall +
    SCORE_WEIGHTS.consistency * consistency
  );
}

export function isClean(f: Findings): boolean {
  return (
    f.hallucinations.length === 0 &&
    f.omissions.length === 0 &&
    f.countMismatches.length === 0 &&
    f.relationMismatches.length === 0
  );
}

export function toCritique(
  findings: Findings,
  caption: string,
  engine: string,
  prompt: PromptRecord,
): Critique {
  return { ...findings, caption, score: scoreFindings(findings), clean: isClean(findings), engine, prompt };
}
