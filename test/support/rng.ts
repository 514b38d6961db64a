import { SeededRandom } from '../../src/lib/core/rng';

/**
 * Seeded RNG for tests: the library's mulberry32 (the same seed gives the same numbers on every machine) plus
 * the draws the gradient checks need.
 */
export class Rng extends SeededRandom {
  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}
