/**
 * What the next round would take from the critic's items, for the Train view: accepted targets, and accepted
 * rewrites left out because the evidence does not back them (records.ts trainingCandidate says which).
 */
import type { CriticItem } from '../../lib/critic/records';
import { trainingCandidate } from '../../lib/critic/records';

export interface CandidateCounts {
  readonly accepted: number;
  readonly unbacked: number;
}

export function candidateCounts(items: Iterable<CriticItem>): CandidateCounts {
  let accepted = 0;
  let unbacked = 0;
  for (const item of items) {
    const status = trainingCandidate(item).status;
    if (status === 'accepted') accepted++;
    else if (status === 'unbacked') unbacked++;
  }
  return { accepted, unbacked };
}
