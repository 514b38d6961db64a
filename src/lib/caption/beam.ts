import { GenerationError } from '../core/errors';
import { BeamHypotheses } from './beam-hypotheses';
import type { DecodeOutcome, DecodeSetup, StepReport } from './decode-setup';
import { validateDecodeSetup } from './decode-setup';
import { lastPositionRow, logSoftmax, topK } from './logits';
import type { RowGather } from './row-gather';
import { isIdentity } from './row-gather';
import type { StepOutput } from './run-step';
import { encoderFeedsFor, nextCachedStep } from './run-step';
import type { TensorLike } from './session';
import { disposeAll } from './session';

export interface BeamSetup extends DecodeSetup {
  numBeams: number;
  /** Hypothesis score = sum(log p) / length^lengthPenalty (1 = plain average log-probability). */
  lengthPenalty: number;
  gather: RowGather;
}

interface Beam {
  tokens: number[];
  sumLogProbs: number;
}

/** The search between steps: K beams per image, each image's finished hypotheses, and which images are done. */
interface BeamSearch {
  readonly k: number;
  beams: Beam[];
  readonly hypotheses: BeamHypotheses[];
  readonly done: boolean[];
  /** The token each row feeds to the next step. */
  readonly inputIds: BigInt64Array;
}

/** A beam chosen for the next step and the cache row it continues. */
interface ChosenBeam {
  beam: Beam;
  source: number;
}

/**
 * Batched beam search with the KV cache: image i owns rows i·K … i·K+K−1. Each step takes the 2K best
 * continuations of an image over its K beams; end-of-text among the first K closes a hypothesis, the
 * others become the next beams, and the cache rows are gathered to follow their beams. At step 0 all K
 * rows of an image are the same, so only beam 0 may extend (the others start at −∞).
 */
export async function beamDecode(setup: BeamSetup): Promise<DecodeOutcome> {
  validateDecodeSetup(setup);
  const { images, numBeams: k, maxNewTokens } = setup;
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`numBeams must be >= 2, got ${k}`);
  const search = startSearch(setup, k);
  const expandRows = Array.from({ length: images * k }, (_, row) => Math.floor(row / k));
  const encoderStates = await setup.gather.gather(setup.encoderHiddenStates, expandRows);
  let past: TensorLike[] | null = null;
  let steps = 0;
  let cancelled = false;
  // Beams of one image share its encoder rows, so the cross-attention tensors never need reordering.
  const encoder = await encoderFeedsFor(setup, encoderStates).catch((error: unknown) => {
    disposeAll([encoderStates]);
    throw error;
  });
  try {
    while (search.done.includes(false)) {
      const step = await nextCachedStep(setup, steps, search.inputIds, encoder.feeds, past);
      if (step === null) {
        cancelled = true;
        break;
      }
      past = step.presents;
      const wasDone = [...search.done];
      const sourceRows = advanceBeams(setup, search, step, steps);
      steps++;
      if (steps >= maxNewTokens) {
        finalizeRunning(search.beams, search.hypotheses, search.done, k, steps);
      } else if (!isIdentity(sourceRows)) {
        past = await followBeams(setup.gather, past, sourceRows);
      }
      setup.onStep?.(stepReport(search, wasDone, steps));
    }
  } finally {
    if (past !== null) disposeAll(past);
    encoder.release();
    if (encoderStates !== setup.encoderHiddenStates) disposeAll([encoderStates]);
  }
  return {
    images: search.hypotheses.map((h, image) => ({
      tokens: search.done[image] ? (h.best()?.tokens ?? []) : [],
      finished: search.done[image] === true,
    })),
    cancelled,
    steps,
  };
}

function startSearch(setup: BeamSetup, k: number): BeamSearch {
  const { images, special } = setup;
  return {
    k,
    beams: Array.from({ length: images * k }, (_, row) => ({
      tokens: [],
      sumLogProbs: row % k === 0 ? 0 : -Infinity,
    })),
    hypotheses: Array.from({ length: images }, () => new BeamHypotheses(k, setup.lengthPenalty)),
    done: new Array<boolean>(images).fill(false),
    inputIds: new BigInt64Array(images * k).fill(BigInt(special.decoderStartTokenId)),
  };
}

/** One step for every image: its next K beams and their input tokens. Returns the cache row each new row continues. */
function advanceBeams(setup: BeamSetup, search: BeamSearch, step: StepOutput, steps: number): number[] {
  const { images, special, minNewTokens } = setup;
  const { k } = search;
  const banned = steps < minNewTokens ? special.eosTokenId : -1;
  const nextBeams: Beam[] = [];
  const sourceRows: number[] = [];
  for (let image = 0; image < images; image++) {
    const first = image * k;
    const running = !search.done[image];
    const chosen = running
      ? chooseBeams(search, image, step, banned, special.eosTokenId, steps)
      : retiredRows(first, k);
    chosen.forEach(({ beam, source }, j) => {
      nextBeams.push(beam);
      sourceRows.push(source);
      search.inputIds[first + j] = BigInt(beam.tokens.at(-1) ?? special.padTokenId);
    });
    if (running) {
      const bestRunning = Math.max(...chosen.map(({ beam }) => beam.sumLogProbs));
      search.done[image] = search.hypotheses[image]?.isDone(bestRunning, steps + 1) === true;
    }
  }
  search.beams = nextBeams;
  return sourceRows;
}

/** A finished image's rows keep decoding (every row needs a token) but feed padding and never extend. */
function retiredRows(first: number, k: number): ChosenBeam[] {
  return Array.from({ length: k }, (_, j) => ({
    beam: { tokens: [], sumLogProbs: -Infinity },
    source: first + j,
  }));
}

/** The K best continuations of one image's beams; an end-of-text among the best K closes a hypothesis instead. */
function chooseBeams(
  search: BeamSearch,
  image: number,
  step: StepOutput,
  banned: number,
  eosTokenId: number,
  steps: number,
): ChosenBeam[] {
  const { k, beams } = search;
  const first = image * k;
  const scores = beams.slice(first, first + k).map((beam, j) => {
    const logProbs = logSoftmax(lastPositionRow(step.logits, step.logitsDims, first + j), banned);
    for (let t = 0; t < logProbs.length; t++) logProbs[t] = (logProbs[t] ?? -Infinity) + beam.sumLogProbs;
    return logProbs;
  });
  const chosen: ChosenBeam[] = [];
  for (const [rank, candidate] of topK(scores, 2 * k).entries()) {
    const parent = beams[first + candidate.row];
    if (parent === undefined) throw new GenerationError(`no beam at row ${first + candidate.row}`);
    if (candidate.index === eosTokenId) {
      // An end-of-text below the top K would not have been a beam either.
      if (rank < k) search.hypotheses[image]?.add(parent.tokens, candidate.score, steps + 1);
      continue;
    }
    chosen.push({
      beam: { tokens: [...parent.tokens, candidate.index], sumLogProbs: candidate.score },
      source: first + candidate.row,
    });
    if (chosen.length === k) break;
  }
  if (chosen.length < k) {
    throw new GenerationError(`beam search found ${chosen.length} continuations, needs ${k}`);
  }
  return chosen;
}

/** Reorders the cache rows to follow their beams (and frees the old cache). */
async function followBeams(
  gather: RowGather,
  past: TensorLike[],
  sourceRows: number[],
): Promise<TensorLike[]> {
  const reordered = await Promise.all(past.map((tensor) => gather.gather(tensor, sourceRows)));
  disposeAll(past);
  return reordered;
}

function stepReport(search: BeamSearch, wasDone: readonly boolean[], steps: number): StepReport {
  const { done, hypotheses } = search;
  return {
    step: steps,
    generatedTokens: done.map((d, image) => (d ? bestLength(hypotheses[image]) : steps)),
    finished: done,
    completed: done.flatMap((d, image) =>
      d && !wasDone[image] ? [{ image, tokens: hypotheses[image]?.best()?.tokens ?? [] }] : [],
    ),
  };
}

/** At the length limit every running beam becomes a hypothesis (as Hugging Face's finalize). */
function finalizeRunning(
  beams: readonly Beam[],
  hypotheses: readonly BeamHypotheses[],
  done: boolean[],
  k: number,
  length: number,
): void {
  hypotheses.forEach((h, image) => {
    if (done[image]) return;
    for (const beam of beams.slice(image * k, image * k + k)) h.add(beam.tokens, beam.sumLogProbs, length);
    done[image] = true;
  });
}

function bestLength(h: BeamHypotheses | undefined): number {
  return h?.best()?.tokens.length ?? 0;
}
