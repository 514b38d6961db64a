/**
 * The critique of one caption version as lines for the critic panel: what the rewrite acts on (not in the image,
 * missing, counts, relations) and, with calibrated verdicts, the mentions it leaves alone because the evidence
 * cannot tell (unverified). Text only: model and LLM output is never HTML.
 */
import type { Critique } from '../../lib/critic/critique';

export interface FindingLine {
  readonly kind: 'hallucination' | 'omission' | 'count' | 'relation' | 'unverified';
  readonly text: string;
}

const percent = (r: number) => `${Math.round(r * 100)} %`;

export function findingLines(c: Critique): FindingLine[] {
  return [
    ...c.hallucinations.map((h) => ({
      kind: 'hallucination' as const,
      text: `Not in the image: "${h.text}" (${h.object}). ${h.reason}`,
    })),
    ...c.omissions.map((o) => ({ kind: 'omission' as const, text: `Missing: ${o.count} × ${o.object}` })),
    ...c.countMismatches.map((m) => ({
      kind: 'count' as const,
      text: `Count: "${m.text}" says ${m.claimed}, the evidence shows ${m.actual}`,
    })),
    ...c.relationMismatches.map((r) => ({
      kind: 'relation' as const,
      text: `Relation: "${r.text}" says ${r.relation}${r.observed ? `, boxes show ${r.observed}` : ''}`,
    })),
    ...c.mentions
      .filter((m) => m.verdict === 'unverified')
      .map((m) => ({
        kind: 'unverified' as const,
        text:
          `Unverified: "${m.text}" (${m.object}). No evidence shows it, but the detector ` +
          (m.evidenceRecall === undefined
            ? 'has too few measurements of this kind of object to tell'
            : `finds only ${percent(m.evidenceRecall)} of them`) +
          ': left as written.',
      })),
  ];
}
