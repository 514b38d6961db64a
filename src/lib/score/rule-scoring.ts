/**
 * Scores a set of captions (the student's before training, the targets, a round's re-captions) with what is at
 * hand: the rule-based critique against the teacher's evidence (score, grounded and ungrounded mentions, the
 * detected object count that splits simple from complex), CHAIR against imported COCO annotations, CLIPScore
 * and PickScore when their models are loaded (each its own metric). Returns the round's summary and each
 * image's scores.
 */
import { checkCaption } from '../critic/rules';
import { scoreFindings } from '../critic/critique';
import type { SynonymTable } from '../vocabulary/synonyms';
import { summarizeScores, type ImageScoreInput, type ScoreSummary } from './round-metrics';
import type { Evidence } from '../evidence/evidence';
import type { CaptionScores, CocoState } from './caption-scores';

/** What scoring reads from the studio: the synonym list, the teacher's evidence, the loaded preference scorers. */
export interface ScoringPort {
  /** The CHAIR synonym list (for CHAIR and the rule-based critic score). */
  synonyms(): Promise<SynonymTable>;
  /** The teacher's evidence for an image, when the critic has gathered it. */
  evidence(imageId: string): Promise<Evidence | undefined>;
  /** CLIPScore of each caption against its image, when a CLIP model is loaded for it (else undefined). */
  clipScores?(items: readonly { imageId: string; caption: string }[]): Promise<number[] | undefined>;
  /** PickScore of each caption, when a PickScore model is loaded (else undefined). */
  pickScores?(items: readonly { imageId: string; caption: string }[]): Promise<number[] | undefined>;
}

/** The rule-based critique of one caption against the teacher's evidence, as scoring and the critic count it. */
export interface RuleScore {
  /** scoreFindings: the F1 of grounded mentions against what the evidence holds. */
  readonly score: number;
  readonly mentions: number;
  readonly ungrounded: number;
}

/** The one place a caption gets its rule-based score (round scoring, and a caption the person edited). */
export function ruleScore(caption: string, evidence: Evidence, table: SynonymTable): RuleScore {
  const findings = checkCaption(caption, evidence, table);
  return {
    score: scoreFindings(findings),
    mentions: findings.mentions.length,
    ungrounded: findings.mentions.filter((m) => !m.grounded).length,
  };
}

export interface ScoredCaptions {
  readonly summary: ScoreSummary;
  readonly perImage: Record<string, CaptionScores & { objectCount?: number }>;
}

export async function scoreCaptions(
  captions: ReadonlyMap<string, string>,
  deps: { readonly scoring: ScoringPort; readonly coco: CocoState | null; readonly threshold: number },
): Promise<ScoredCaptions> {
  const table: SynonymTable = await deps.scoring.synonyms();
  const items = [...captions].map(([imageId, caption]) => ({ imageId, caption }));
  const clip = (await deps.scoring.clipScores?.(items)) ?? undefined;
  const pick = (await deps.scoring.pickScores?.(items)) ?? undefined;
  const inputs: ImageScoreInput[] = [];
  for (const [i, { imageId, caption }] of items.entries()) {
    const evidence = await deps.scoring.evidence(imageId);
    const coco = deps.coco?.matches[imageId];
    inputs.push({
      imageId,
      caption,
      objectCount: evidence ? evidence.objects.length : null,
      ...(evidence ? { critic: ruleScore(caption, evidence, table) } : {}),
      ...(coco ? { cocoObjects: coco.objects } : {}),
      ...(clip?.[i] !== undefined ? { clipScore: clip[i] } : {}),
      ...(pick?.[i] !== undefined ? { pickScore: pick[i] } : {}),
    });
  }
  const summary = summarizeScores(inputs, table, deps.threshold);
  const perImage: ScoredCaptions['perImage'] = {};
  for (const input of inputs) {
    const chair = input.cocoObjects ? summarizeScores([input], table, deps.threshold).chairI?.all : undefined;
    perImage[input.imageId] = {
      ...(input.critic ? { critic: input.critic.score } : {}),
      ...(input.clipScore !== undefined ? { clip: input.clipScore } : {}),
      ...(input.pickScore !== undefined ? { pick: input.pickScore } : {}),
      ...(chair !== undefined && chair !== null ? { chairI: chair } : {}),
      ...(input.objectCount !== null ? { objectCount: input.objectCount } : {}),
    };
  }
  return { summary, perImage };
}
