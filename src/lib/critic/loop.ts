/**
 * The TextGrad-style loop for one caption: loss (ensemble critique) → textual gradient (feedback) → step
 * (rewrite), repeated up to `maxSteps` times or until the critique is clean. Every version is kept with
 * its critique, score, the feedback written on it and the prompts used. Stops early, with the reason
 * recorded, when the rewrite changes nothing or an engine fails twice in a row; never throws for an engine
 * failure (a cancelled signal does throw).
 */
import type { PromptRecord } from './critique';
import type { CriticEngine, GenerateOptions } from './engines/engine';
import { promptRecord } from './engines/engine';
import type { CriticMember, EnsembleCritique, EnsembleOptions } from './ensemble';
import { critiqueEnsemble } from './ensemble';
import type { Evidence } from '../evidence/evidence';
import type { EngineFailure } from './parse';
import { generateParsed, parseFeedback, parseImprovedCaption } from './parse';
import type { PromptSpec } from './prompts';
import {
  FEEDBACK_TEXTUAL_GRADIENT,
  REWRITE_IMPROVED_CAPTION,
  renderFeedbackPrompt,
  renderRewritePrompt,
} from './prompts';
import type { RuleSettings } from './rules';
import type { EvidenceCalibration } from './calibration';
import type { SynonymTable } from '../vocabulary/synonyms';

export interface Feedback {
  readonly text: string;
  readonly truncated: boolean;
  readonly engine: string;
  readonly prompt: PromptRecord;
}

export interface CaptionVersion {
  readonly index: number;
  readonly caption: string;
  readonly critique: EnsembleCritique;
  readonly score: number;
  /** The textual gradient written on this version (absent on the last one). */
  readonly feedback?: Feedback;
  /** How this version was written from the previous one (absent on version 0). */
  readonly rewrite?: { readonly engine: string; readonly prompt: PromptRecord };
}

export type StopReason = 'clean' | 'max-steps' | 'no-change' | 'failure';

export interface Refinement {
  readonly versions: readonly CaptionVersion[];
  readonly stop: StopReason;
  readonly failures: readonly EngineFailure[];
  /** Index of the best-scoring version (the earliest among equals). */
  readonly best: number;
}

export interface RefineOptions {
  readonly critics: readonly CriticMember[];
  /** Writes the feedback and the rewrite. */
  readonly writer: CriticEngine;
  readonly maxSteps?: number;
  readonly maxFeedbackChars?: number;
  readonly feedbackPrompt?: PromptSpec;
  readonly rewritePrompt?: PromptSpec;
  readonly rules?: RuleSettings;
  /** Judge mentions and omissions by the evidence's measured reliability (calibration.ts). */
  readonly calibration?: EvidenceCalibration;
  readonly generate?: GenerateOptions;
  /** Called with every new version, for progress. */
  readonly onVersion?: (version: CaptionVersion) => void;
}

export const DEFAULT_MAX_STEPS = 3;
export const DEFAULT_MAX_FEEDBACK_CHARS = 600;

const normalized = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** What every step of one caption's loop shares. */
interface LoopContext {
  readonly evidence: Evidence;
  readonly table: SynonymTable;
  readonly options: RefineOptions;
  readonly maxChars: number;
  readonly ensembleOptions: EnsembleOptions;
}

/**
 * One step: the current version with the feedback written on it (`annotated`, once the feedback exists), and
 * the rewritten next version, or why the loop stops here.
 */
type StepOutcome =
  | { readonly stop: 'failure'; readonly failure: EngineFailure; readonly annotated?: CaptionVersion }
  | { readonly stop: 'no-change'; readonly annotated: CaptionVersion }
  | { readonly stop: null; readonly annotated: CaptionVersion; readonly next: CaptionVersion };

export async function refineCaption(
  caption: string,
  evidence: Evidence,
  table: SynonymTable,
  options: RefineOptions,
): Promise<Refinement> {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const context: LoopContext = {
    evidence,
    table,
    options,
    maxChars: options.maxFeedbackChars ?? DEFAULT_MAX_FEEDBACK_CHARS,
    ensembleOptions: {
      ...(options.rules ? { rules: options.rules } : {}),
      ...(options.calibration ? { calibration: options.calibration } : {}),
      ...(options.generate ? { generate: options.generate } : {}),
    },
  };
  const versions: CaptionVersion[] = [];
  const failures: EngineFailure[] = [];
  const push = (v: CaptionVersion): void => {
    versions.push(v);
    options.onVersion?.(v);
  };
  const first = await critique(caption, context);
  push({ index: 0, caption, critique: first, score: first.score });

  let stop: StopReason = 'max-steps';
  for (let step = 1; step <= maxSteps; step++) {
    const current = versions.at(-1)!;
    if (current.critique.clean) {
      stop = 'clean';
      break;
    }
    const outcome = await refineStep(current, step, context);
    if (outcome.annotated !== undefined) versions[versions.length - 1] = outcome.annotated;
    if (outcome.stop === 'failure') failures.push(outcome.failure);
    if (outcome.stop !== null) {
      stop = outcome.stop;
      break;
    }
    push(outcome.next);
    if (outcome.next.critique.clean) {
      stop = 'clean';
      break;
    }
  }
  if (stop === 'max-steps' && versions.at(-1)!.critique.clean) stop = 'clean';
  const best = versions.reduce((b, v) => (v.score > versions[b]!.score ? v.index : b), 0);
  return { versions, stop, failures, best };
}

function critique(
  caption: string,
  { evidence, table, options, ensembleOptions }: LoopContext,
): Promise<EnsembleCritique> {
  return critiqueEnsemble(caption, evidence, table, options.critics, ensembleOptions);
}

/** Feedback on the current version (the textual gradient), then the rewrite it asks for, critiqued. */
async function refineStep(
  current: CaptionVersion,
  index: number,
  context: LoopContext,
): Promise<StepOutcome> {
  const { evidence, options, maxChars } = context;
  const writer = options.writer;
  const feedbackPrompt = renderFeedbackPrompt(options.feedbackPrompt ?? FEEDBACK_TEXTUAL_GRADIENT, {
    kind: 'feedback',
    caption: current.caption,
    evidence,
    critique: current.critique,
    maxChars,
  });
  const feedback = await generateParsed(
    writer,
    feedbackPrompt,
    (r) => parseFeedback(r, maxChars),
    options.generate,
  );
  if (!feedback.ok) return { stop: 'failure', failure: feedback.failure };
  const annotated: CaptionVersion = {
    ...current,
    feedback: { ...feedback.value, engine: writer.id, prompt: promptRecord(feedbackPrompt) },
  };

  const rewritePrompt = renderRewritePrompt(options.rewritePrompt ?? REWRITE_IMPROVED_CAPTION, {
    kind: 'rewrite',
    caption: current.caption,
    evidence,
    critique: current.critique,
    feedback: feedback.value.text,
  });
  const rewrite = await generateParsed(writer, rewritePrompt, parseImprovedCaption, options.generate);
  if (!rewrite.ok) return { stop: 'failure', failure: rewrite.failure, annotated };
  if (normalized(rewrite.value) === normalized(current.caption)) return { stop: 'no-change', annotated };
  const next = await critique(rewrite.value, context);
  return {
    stop: null,
    annotated,
    next: {
      index,
      caption: rewrite.value,
      critique: next,
      score: next.score,
      rewrite: { engine: writer.id, prompt: promptRecord(rewritePrompt) },
    },
  };
}
