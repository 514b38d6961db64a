import { GenerationError } from '../core/errors';

/** Row `row`'s scores at the last position of a [rows, T, vocab] logits block, as a view (no copy). */
export function lastPositionRow(
  logits: Float32Array,
  dims: readonly number[],
  row: number,
): Float32Array<ArrayBufferLike> {
  const [rows, positions, vocab] = dims;
  if (dims.length !== 3 || rows === undefined || positions === undefined || vocab === undefined) {
    throw new GenerationError(`logits must be [rows, positions, vocab], got [${dims.join(', ')}]`);
  }
  if (row < 0 || row >= rows) throw new GenerationError(`row ${row} outside logits with ${rows} rows`);
  const start = (row * positions + positions - 1) * vocab;
  return logits.subarray(start, start + vocab);
}

/**
 * Index of the largest score, the first one on ties (as transformers.js's greedy sampler); `banned` (the
 * end-of-text token while fewer than min-new-tokens exist) is never picked. NaN never wins.
 */
export function argmax(scores: ArrayLike<number>, banned = -1): number {
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    if (i === banned) continue;
    const raw = scores[i] ?? -Infinity;
    const score = Number.isNaN(raw) ? -Infinity : raw;
    if (best === -1 || score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  if (best === -1) throw new GenerationError('no token can be picked: empty or fully banned vocabulary');
  return best;
}

/** log(softmax(scores)) with `banned` at -Infinity, computed in float64 for a stable normalizer. */
export function logSoftmax(scores: ArrayLike<number>, banned = -1): Float64Array {
  const out = new Float64Array(scores.length);
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    if (i !== banned) max = Math.max(max, scores[i] ?? -Infinity);
  }
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    if (i !== banned) sum += Math.exp((scores[i] ?? -Infinity) - max);
  }
  const logNormalizer = max + Math.log(sum);
  for (let i = 0; i < scores.length; i++) {
    out[i] = i === banned ? -Infinity : (scores[i] ?? -Infinity) - logNormalizer;
  }
  return out;
}

/**
 * The `k` best (score, index) pairs over several score rows, best first; ties go to the lower row, then the
 * lower index, so results do not depend on the order rows were filled in.
 */
export interface Candidate {
  row: number;
  index: number;
  score: number;
}

export function topK(rows: readonly Float64Array[], k: number): Candidate[] {
  const best: Candidate[] = [];
  const worse = (a: Candidate, b: Candidate): boolean =>
    a.score < b.score || (a.score === b.score && (a.row > b.row || (a.row === b.row && a.index > b.index)));
  rows.forEach((scores, row) => {
    for (let index = 0; index < scores.length; index++) {
      const score = scores[index] ?? -Infinity;
      if (score === -Infinity || Number.isNaN(score)) continue;
      const candidate = { row, index, score };
      const last = best.at(-1);
      if (best.length === k && last !== undefined && !worse(last, candidate)) continue;
      let at = best.length;
      for (let previous = best[at - 1]; previous !== undefined && worse(previous, candidate);) {
        at--;
        previous = best[at - 1];
      }
      best.splice(at, 0, candidate);
      if (best.length > k) best.pop();
    }
  });
  return best;
}
