import { GenerationError } from '../core/errors';
import { BeamHypotheses } from './beam-hypotheses';
import type { DecodeOutcome, DecodeSetup } from './decode-setup';
import { validateDecodeSetup } from './decode-setup';
import { lastPositionRow, logSoftmax, topK } from './logits';
import type { RowGather } from './row-gather';
import { isIdentity } from './row-gather';
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

/**
 * Batched beam search with the KV cache: image i owns rows i·K … i·K+K−1. Each step takes the 2K best
 * continuations of an image over its K beams; end-of-text among the first K closes a hypothesis, the
 * others become the next beams, and the cache rows are gathered to follow their beams. At step 0 all K
 * rows of an image are the same, so only beam 0 may extend (the others start at −∞).
 */
export async function beamDecode(setup: BeamSetup): Promise<DecodeOutcome> {
  validateDecodeSetup(setup);
  const { images, numBeams: k, special, maxNewTokens, minNewTokens } = setup;
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`numBeams must be >= 2, got ${k}`);
  const hypotheses = Array.from({ length: images }, () => new BeamHypotheses(k, setup.lengthPenalty));
  const done = new Array<boolean>(images).fill(false);
  let beams: Beam[] = Array.from({ length: images * k }, (_, row) => ({
    tokens: [],
    sumLogProbs: row % k === 0 ? 0 : -Infinity,
  }));
  const inputIds = new BigInt64Array(images * k).fill(BigInt(special.decoderStartTokenId));
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
    while (done.includes(false)) {
      const step = await nextCachedStep(setup, steps, inputIds, encoder.feeds, past);
      if (step === null) {
        cancelled = true;
        break;
      }
      past = step.presents;
      const banned = steps < minNewTokens ? special.eosTokenId : -1;
      const wasDone = [...done];
      const nextBeams: Beam[] = [];
      const sourceRows: number[] = [];
      for (let image = 0; image < images; image++) {
        const first = image * k;
        if (done[image]) {
          for (let j = 0; j < k; j++) {
            nextBeams.push({ tokens: [], sumLogProbs: -Infinity });
            sourceRows.push(first + j);
            inputIds[first + j] = BigInt(special.padTokenId);
          }
          continue;
        }
        const scores = beams.slice(first, first + k).map((beam, j) => {
          const logProbs = logSoftmax(lastPositionRow(step.logits, step.logitsDims, first + j), banned);
          for (let t = 0; t < logProbs.length; t++)
            logProbs[t] = (logProbs[t] ?? -Infinity) + beam.sumLogProbs;
          return logProbs;
        });
        const chosen: { beam: Beam; source: number }[] = [];
        for (const [rank, candidate] of topK(scores, 2 * k).entries()) {
          const parent = beams[first + candidate.row];
          if (parent === undefined) throw new GenerationError(`no beam at row ${first + candidate.row}`);
          if (candidate.index === special.eosTokenId) {
            // An end-of-text below the top K would not have been a beam either.
            if (rank < k) hypotheses[image]?.add(parent.tokens, candidate.score, steps + 1);
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
        chosen.forEach(({ beam, source }, j) => {
          nextBeams.push(beam);
          sourceRows.push(source);
          inputIds[first + j] = BigInt(beam.tokens.at(-1) ?? special.padTokenId);
        });
        const bestRunning = Math.max(...chosen.map(({ beam }) => beam.sumLogProbs));
        done[image] = hypotheses[image]?.isDone(bestRunning, steps + 1) === true;
      }
      beams = nextBeams;
      steps++;
      if (steps >= maxNewTokens) {
        finalizeRunning(beams, hypotheses, done, k, steps);
      } else if (!isIdentity(sourceRows)) {
        const reordered = await Promise.all(past.map((tensor) => setup.gather.gather(tensor, sourceRows)));
        disposeAll(past);
        past = reordered;
      }
      setup.onStep?.({
        step: steps,
        generatedTokens: done.map((d, image) => (d ? bestLength(hypotheses[image]) : steps)),
        finished: done,
        completed: done.flatMap((d, image) =>
          d && !wasDone[image] ? [{ image, tokens: hypotheses[image]?.best()?.tokens ?? [] }] : [],
        ),
      });
    }
  } finally {
    if (past !== null) disposeAll(past);
    encoder.release();
    if (encoderStates !== setup.encoderHiddenStates) disposeAll([encoderStates]);
  }
  return {
    images: hypotheses.map((h, image) => ({
      tokens: done[image] ? (h.best()?.tokens ?? []) : [],
      finished: done[image] === true,
    })),
    cancelled,
    steps,
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
