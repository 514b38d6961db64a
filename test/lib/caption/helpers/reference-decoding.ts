/**
 * Plain, one-image, no-cache reference decoders: every step rescores the whole token list with `scores`,
 * candidates are ranked by a full sort. They share no code with src/lib/caption (only the documented
 * rules: first index wins ties; hypothesis score = sum log p / length^penalty; Hugging Face's stopping rule).
 */
export type ScoreFn = (tokens: readonly number[]) => Promise<ArrayLike<number>>;

export interface ReferenceOptions {
  eos: number;
  maxNewTokens: number;
  minNewTokens: number;
}

export async function referenceGreedy(scores: ScoreFn, o: ReferenceOptions): Promise<number[]> {
  const tokens: number[] = [];
  for (let step = 0; step < o.maxNewTokens; step++) {
    const s = await scores(tokens);
    let best = -1;
    for (let v = 0; v < s.length; v++) {
      if (v === o.eos && step < o.minNewTokens) continue;
      if (best === -1 || (s[v] as number) > (s[best] as number)) best = v;
    }
    if (best === o.eos) break;
    tokens.push(best);
  }
  return tokens;
}

function logSoftmax(s: ArrayLike<number>, banned: number): number[] {
  const kept = Array.from(s).map((x, v) => (v === banned ? -Infinity : x));
  const max = Math.max(...kept);
  const log = max + Math.log(kept.reduce((sum, x) => sum + Math.exp(x - max), 0));
  return kept.map((x) => x - log);
}

export async function referenceBeam(
  scores: ScoreFn,
  o: ReferenceOptions & { numBeams: number; lengthPenalty: number },
): Promise<number[]> {
  const k = o.numBeams;
  const norm = (sum: number, length: number): number => sum / length ** o.lengthPenalty;
  let hyps: { tokens: number[]; score: number }[] = [];
  const addHyp = (tokens: number[], sum: number, length: number): void => {
    const score = norm(sum, length);
    if (hyps.length >= k && score <= (hyps.at(-1)?.score ?? -Infinity)) return;
    hyps = [...hyps, { tokens, score }].sort((a, b) => b.score - a.score).slice(0, k);
  };
  let beams = [{ tokens: [] as number[], sum: 0 }];
  for (let step = 0; step < o.maxNewTokens; step++) {
    const candidates: { beam: number; token: number; sum: number }[] = [];
    for (const [beam, { tokens, sum }] of beams.entries()) {
      const lp = logSoftmax(await scores(tokens), step < o.minNewTokens ? o.eos : -1);
      lp.forEach((l, token) => {
        if (l !== -Infinity) candidates.push({ beam, token, sum: sum + l });
      });
    }
    candidates.sort((a, b) => b.sum - a.sum || a.beam - b.beam || a.token - b.token);
    const next: { tokens: number[]; sum: number }[] = [];
    for (const [rank, c] of candidates.slice(0, 2 * k).entries()) {
      const parent = beams[c.beam]?.tokens ?? [];
      if (c.token === o.eos) {
        if (rank < k) addHyp(parent, c.sum, step + 1);
        continue;
      }
      next.push({ tokens: [...parent, c.token], sum: c.sum });
      if (next.length === k) break;
    }
    beams = next;
    const bestRunning = Math.max(...next.map((b) => b.sum));
    if (hyps.length >= k && (hyps.at(-1)?.score ?? -Infinity) >= norm(bestRunning, step + 1)) {
      return hyps[0]?.tokens ?? [];
    }
  }
  for (const b of beams) addHyp(b.tokens, b.sum, o.maxNewTokens);
  return hyps[0]?.tokens ?? [];
}
