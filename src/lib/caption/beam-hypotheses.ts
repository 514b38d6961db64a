/**
 * The finished candidates of one image in beam search (as Hugging Face's BeamHypotheses): at most
 * `numBeams` kept, each scored sum(log p) / length^lengthPenalty, where length counts generated tokens
 * including end-of-text.
 */
export interface Hypothesis {
  tokens: number[];
  score: number;
}

export class BeamHypotheses {
  private readonly kept: Hypothesis[] = [];

  constructor(
    private readonly numBeams: number,
    private readonly lengthPenalty: number,
  ) {}

  get size(): number {
    return this.kept.length;
  }

  normalized(sumLogProbs: number, length: number): number {
    return sumLogProbs / length ** this.lengthPenalty;
  }

  add(tokens: number[], sumLogProbs: number, length: number): void {
    const score = this.normalized(sumLogProbs, length);
    if (this.kept.length >= this.numBeams && score <= this.worstScore()) return;
    this.kept.push({ tokens, score });
    // Stable: among equal scores the earlier hypothesis stays ahead.
    this.kept.sort((a, b) => b.score - a.score);
    if (this.kept.length > this.numBeams) this.kept.pop();
  }

  /**
   * Hugging Face's default stopping rule (early_stopping=False): done once full and no running beam,
   * scored at its current length, would beat the worst kept hypothesis.
   */
  isDone(bestRunningSumLogProbs: number, length: number): boolean {
    return (
      this.kept.length >= this.numBeams &&
      this.worstScore() >= this.normalized(bestRunningSumLogProbs, length)
    );
  }

  best(): Hypothesis | undefined {
    return this.kept[0];
  }

  private worstScore(): number {
    return this.kept.at(-1)?.score ?? -Infinity;
  }
}
