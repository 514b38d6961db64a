/**
 * Grounding-based hallucination rate, for images without COCO annotations: the share of object mentions
 * (distinct objects per caption) that no evidence grounds, from the critic's findings, and the share of
 * captions with at least one. The CHAIR-i / CHAIR-s analogues with the evidence as ground truth.
 */

/** What the rate reads of a caption's findings (the critic's Findings fit as is). */
export interface GroundedMentions {
  readonly mentions: readonly { readonly grounded: boolean }[];
}

export interface HallucinationRate {
  /** Ungrounded mentions / mentions. */
  readonly mentionRate: number;
  /** Captions with an ungrounded mention / captions. */
  readonly captionRate: number;
  readonly mentions: number;
  readonly ungrounded: number;
  readonly captions: number;
}

export function hallucinationRate(findings: readonly GroundedMentions[]): HallucinationRate {
  let mentions = 0;
  let ungrounded = 0;
  let flagged = 0;
  for (const f of findings) {
    mentions += f.mentions.length;
    const bad = f.mentions.filter((m) => !m.grounded).length;
    ungrounded += bad;
    if (bad > 0) flagged += 1;
  }
  return {
    mentionRate: mentions === 0 ? 0 : ungrounded / mentions,
    captionRate: findings.length === 0 ? 0 : flagged / findings.length,
    mentions,
    ungrounded,
    captions: findings.length,
  };
}
