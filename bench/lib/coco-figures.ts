/**
 * The COCO bench's figures (issue 17 §1), from evidence and ground truth: how much of what is there the evidence
 * names and how much of what it names is there; how often the critic calls a truly present mention hallucinated
 * (false alarms) and how often it catches an injected one; whether the omissions it suggests are there. Pure: the
 * bench (bench/coco-node.ts) gathers the evidence and runs the rewrite.
 */
import type { EvidenceCalibration, VerdictThresholds } from '../../src/lib/critic/calibration';
import { DEFAULT_VERDICT_THRESHOLDS, calibrateFindings, recallOf } from '../../src/lib/critic/calibration';
import type { Findings } from '../../src/lib/critic/critique';
import type { Evidence } from '../../src/lib/evidence/evidence';
import { checkCaption, supportFor } from '../../src/lib/critic/rules';
import type { SynonymTable } from '../../src/lib/vocabulary/synonyms';
import { iou } from '../../src/lib/evidence/boxes';
import type { CocoImage } from './coco-folder';
import type { InjectedCaption, InjectionKind } from './coco-injection';

/** hits / cases, null when there are no cases. */
export interface Rate {
  readonly hits: number;
  readonly cases: number;
  readonly rate: number | null;
}

export const rate = (hits: number, cases: number): Rate => ({
  hits,
  cases,
  rate: cases === 0 ? null : hits / cases,
});

/** The categories the evidence names (any support: detector box, Florence-2 object, region, detailed caption). */
export function namedByEvidence(evidence: Evidence, categories: Iterable<string>): Set<string> {
  return new Set([...categories].filter((c) => supportFor(c, evidence).length > 0));
}

export interface EvidenceFigures {
  readonly images: number;
  /** Image level: annotated categories the evidence names. */
  readonly categoryRecall: Rate;
  /** Image level: categories the evidence names that are annotated. */
  readonly categoryPrecision: Rate;
  /** Annotated boxes (crowds left out) met by an evidence object of their category at IoU ≥ 0.5. */
  readonly boxRecall: Rate;
}

export function evidenceFigures(
  images: readonly { readonly image: CocoImage; readonly evidence: Evidence }[],
  allCategories: readonly string[],
): EvidenceFigures {
  let present = 0;
  let found = 0;
  let named = 0;
  let right = 0;
  let boxes = 0;
  let met = 0;
  for (const { image, evidence } of images) {
    const names = namedByEvidence(evidence, allCategories);
    present += image.present.size;
    found += [...image.present].filter((c) => names.has(c)).length;
    named += names.size;
    right += [...names].filter((c) => image.present.has(c)).length;
    for (const b of image.boxes) {
      boxes++;
      if (evidence.objects.some((o) => o.label === b.category && iou(o.box, b.box) >= 0.5)) met++;
    }
  }
  return {
    images: images.length,
    categoryRecall: rate(found, present),
    categoryPrecision: rate(right, named),
    boxRecall: rate(met, boxes),
  };
}

/** How the critic judges: every unsupported mention hallucinated (before issue 17), or calibrated verdicts. */
export type CriticPolicy =
  | { readonly kind: 'uncalibrated' }
  | {
      readonly kind: 'calibrated';
      readonly table: EvidenceCalibration;
      readonly thresholds?: VerdictThresholds;
    };

export function judge(
  caption: string,
  evidence: Evidence,
  table: SynonymTable,
  policy: CriticPolicy,
): Findings {
  const findings = checkCaption(caption, evidence, table);
  return policy.kind === 'uncalibrated'
    ? findings
    : calibrateFindings(findings, evidence, policy.table, policy.thresholds ?? DEFAULT_VERDICT_THRESHOLDS);
}

export interface CriticFigures {
  readonly captions: number;
  /** Mentions (one per category per caption) of annotated categories, called hallucinated. */
  readonly falseAlarms: Rate;
  /** Mentions of categories the annotations do not hold, by verdict (uncalibrated: flagged or grounded). */
  readonly unannotatedMentions: Readonly<Record<string, number>>;
  /** Omissions suggested that are annotated. */
  readonly omissionsPresent: Rate;
  /** Injected absent objects called hallucinated, per form and both together. */
  readonly injectedFlagged: Readonly<Record<InjectionKind | 'both', Rate>>;
  /**
   * Injected objects of categories the calibration says the detector would have seen (recall ≥ minRecall), and
   * those flagged among them; null without a calibration.
   */
  readonly injectedJudgeable: Rate | null;
  readonly injectedFlaggedWhenJudgeable: Rate | null;
}

export interface JudgedImage {
  readonly image: CocoImage;
  readonly evidence: Evidence;
  readonly injected: readonly InjectedCaption[];
}

export function criticFigures(
  images: readonly JudgedImage[],
  table: SynonymTable,
  policy: CriticPolicy,
): CriticFigures {
  let captions = 0;
  let presentMentions = 0;
  let falseAlarms = 0;
  const unannotated: Record<string, number> = {};
  let omissions = 0;
  let omissionsRight = 0;
  const injected = { append: [0, 0], swap: [0, 0], both: [0, 0] } as Record<
    InjectionKind | 'both',
    [number, number]
  >;
  let judgeable = 0;
  let judgeableFlagged = 0;
  const t = policy.kind === 'calibrated' ? (policy.thresholds ?? DEFAULT_VERDICT_THRESHOLDS) : null;
  for (const { image, evidence, injected: versions } of images) {
    for (const caption of image.captions) {
      captions++;
      const f = judge(caption, evidence, table, policy);
      const flagged = new Set(f.hallucinations.map((h) => h.object));
      for (const m of f.mentions) {
        if (image.present.has(m.object)) {
          presentMentions++;
          if (flagged.has(m.object)) falseAlarms++;
        } else {
          const key = m.verdict ?? (flagged.has(m.object) ? 'flagged' : 'grounded');
          unannotated[key] = (unannotated[key] ?? 0) + 1;
        }
      }
      for (const o of f.omissions) {
        omissions++;
        if (image.present.has(o.object)) omissionsRight++;
      }
    }
    for (const v of versions) {
      const f = judge(v.caption, evidence, table, policy);
      const hit = f.hallucinations.some((h) => h.object === v.injected) ? 1 : 0;
      for (const k of [v.kind, 'both'] as const) {
        injected[k][0] += hit;
        injected[k][1] += 1;
      }
      if (policy.kind === 'calibrated') {
        const r = recallOf(policy.table, v.injected, t!);
        if (r !== null && r >= t!.minRecall) {
          judgeable++;
          judgeableFlagged += hit;
        }
      }
    }
  }
  const injectedCount = injected.both[1];
  return {
    captions,
    falseAlarms: rate(falseAlarms, presentMentions),
    unannotatedMentions: unannotated,
    omissionsPresent: rate(omissionsRight, omissions),
    injectedFlagged: {
      append: rate(...injected.append),
      swap: rate(...injected.swap),
      both: rate(...injected.both),
    },
    injectedJudgeable: t === null ? null : rate(judgeable, injectedCount),
    injectedFlaggedWhenJudgeable: t === null ? null : rate(judgeableFlagged, judgeable),
  };
}

export interface TradeOffPoint {
  /** The verdict threshold: a category's evidence recall at or above it lets an unsupported mention be contradicted. */
  readonly minRecall: number;
  readonly falseAlarms: number | null;
  readonly injectedFlagged: number | null;
}

/**
 * False alarms against injected objects caught, over the verdict threshold: a mention is contradicted when the
 * evidence does not name it and its category's calibrated recall is at least the threshold (the rule above, without
 * re-running the critic for every threshold). The uncalibrated critic is the point with every category judged.
 */
export function tradeOffCurve(
  images: readonly JudgedImage[],
  table: SynonymTable,
  calibration: EvidenceCalibration,
  thresholds: readonly number[],
  minImages = DEFAULT_VERDICT_THRESHOLDS.minImages,
): TradeOffPoint[] {
  // Per unsupported mention: its category's recall (null: too few images to say).
  const presentMisses: (number | null)[] = [];
  let presentMentions = 0;
  const injectedMisses: (number | null)[] = [];
  let injectedCount = 0;
  const t = { ...DEFAULT_VERDICT_THRESHOLDS, minImages };
  const recall = (c: string) => recallOf(calibration, c, t);
  for (const { image, evidence, injected } of images) {
    for (const caption of image.captions) {
      for (const m of checkCaption(caption, evidence, table).mentions) {
        if (!image.present.has(m.object)) continue;
        presentMentions++;
        if (!m.grounded) presentMisses.push(recall(m.object));
      }
    }
    for (const v of injected) {
      injectedCount++;
      if (supportFor(v.injected, evidence).length === 0) injectedMisses.push(recall(v.injected));
    }
  }
  const share = (misses: readonly (number | null)[], cases: number, th: number) =>
    cases === 0 ? null : misses.filter((r) => r !== null && r >= th).length / cases;
  return thresholds.map((th) => ({
    minRecall: th,
    falseAlarms: share(presentMisses, presentMentions, th),
    injectedFlagged: share(injectedMisses, injectedCount, th),
  }));
}
