/**
 * How far the evidence can be trusted, per category, measured on images with ground truth: how often it names
 * a category that is there (recall: a miss means little where it is low) and how often a salient object it
 * reports is really there (precision: an omission it suggests means little where it is low). From these, a
 * mention gets one of three verdicts instead of "grounded or hallucinated":
 *
 * - confirmed: the evidence shows it;
 * - contradicted: the evidence does not show it, and would very likely have shown it (recall ≥ minRecall);
 * - unverified: the evidence does not show it, but often misses such objects; never rewritten.
 *
 * A rewrite is backed when every object it removes is contradicted and every object it adds is confirmed by a
 * salient object of a category whose salient objects are usually right (precision ≥ minPrecision). The
 * training set takes only backed rewrites: a detector's blind spot must not teach the student to leave real
 * objects out, and its false boxes must not teach it to invent some. (Issue 17 refines this per size and
 * zoom level; this is the per-category table.)
 */
import { boxArea } from '../evidence/boxes';
import type { Findings } from './critique';
import type { Evidence, EvidenceObject } from '../evidence/evidence';
import { isSalient, supportFor } from './rules';

/**
 * The least share of the image an object must cover before the rewrite may add it. Captions leave small things out
 * and the detector's small boxes are often wrong: on the captioned coco-train photos, of the captions that do not
 * name a person although FastestDet sees one on the whole image, 62 % of images hold a person when its largest box
 * covers ≥ 1 % of the image, 11 of 11 when it covers ≥ 10 %.
 */
export const MIN_ADDED_AREA = 0.1;

/** A salient object large enough to be added to a caption that leaves it out. */
export function isAddable(o: EvidenceObject, e: Evidence): boolean {
  return isSalient(o, e) && boxArea(o.box) >= MIN_ADDED_AREA * e.imageWidth * e.imageHeight;
}

export interface CategoryCalibration {
  /** Images holding the category, and those whose evidence named it. */
  readonly present: number;
  readonly named: number;
  /** Images whose evidence holds an addable object (salient, ≥ MIN_ADDED_AREA) of the category, and those where it is really there. */
  readonly salient: number;
  readonly salientRight: number;
}

export interface EvidenceCalibration {
  /** What was measured: the data and the evidence settings, for the report. */
  readonly measuredOn: string;
  readonly images: number;
  readonly categories: Readonly<Record<string, CategoryCalibration>>;
}

export interface VerdictThresholds {
  /** A category the evidence names at least this often when present can be contradicted. */
  readonly minRecall: number;
  /** A category whose addable objects are right at least this often (the 95 % lower bound) can be added. */
  readonly minPrecision: number;
  /** Fewer observations than this: no figure is trusted (unverified, never added). */
  readonly minImages: number;
}

export const DEFAULT_VERDICT_THRESHOLDS: VerdictThresholds = Object.freeze({
  minRecall: 0.8,
  minPrecision: 0.9,
  minImages: 10,
});

export type Verdict = 'confirmed' | 'unverified' | 'contradicted';

/** One labelled image as the calibration reads it: the categories it holds and the evidence gathered on it. */
export interface CalibrationImage {
  readonly present: ReadonlySet<string>;
  readonly evidence: Evidence;
}

/** Counts recall and salient-object precision per category over labelled images (category names as the evidence labels them). */
export function measureCalibration(
  images: readonly CalibrationImage[],
  measuredOn: string,
): EvidenceCalibration {
  const categories: Record<
    string,
    { present: number; named: number; salient: number; salientRight: number }
  > = {};
  const entry = (c: string) => (categories[c] ??= { present: 0, named: 0, salient: 0, salientRight: 0 });
  for (const { present, evidence } of images) {
    for (const c of present) {
      const e = entry(c);
      e.present++;
      if (supportFor(c, evidence).length > 0) e.named++;
    }
    const salient = new Set(evidence.objects.filter((o) => isAddable(o, evidence)).map((o) => o.label));
    for (const c of salient) {
      const e = entry(c);
      e.salient++;
      if (present.has(c)) e.salientRight++;
    }
  }
  return { measuredOn, images: images.length, categories };
}

/** hits / cases of a category's counts, or null when it was not seen or in fewer cases than `minImages`. */
function figure(
  calibration: EvidenceCalibration,
  category: string,
  t: VerdictThresholds,
  pick: (c: CategoryCalibration) => readonly [hits: number, cases: number],
): number | null {
  const c = calibration.categories[category];
  if (c === undefined) return null;
  const [hits, cases] = pick(c);
  return cases < t.minImages ? null : hits / cases;
}

/** The evidence's recall of a category, or null when too few images held it to say. */
export const recallOf = (
  calibration: EvidenceCalibration,
  category: string,
  t: VerdictThresholds = DEFAULT_VERDICT_THRESHOLDS,
): number | null => figure(calibration, category, t, (c) => [c.named, c.present]);

/** How often an addable object of the category is really there, or null when too few were seen to say. */
export const precisionOf = (
  calibration: EvidenceCalibration,
  category: string,
  t: VerdictThresholds = DEFAULT_VERDICT_THRESHOLDS,
): number | null => figure(calibration, category, t, (c) => [c.salientRight, c.salient]);

/**
 * The lower end of a one-sided 95 % Wilson interval of hits / cases. An object is added only where the precision
 * is high with confidence: 13 of 16 right (0.81) or 9 of 10 (0.90) on a few dozen photos says little, and an
 * addition that is wrong teaches the student a hallucination.
 */
export function wilsonLowerBound(hits: number, cases: number, z = 1.645): number {
  if (cases === 0) return 0;
  const p = hits / cases;
  const z2 = z * z;
  const centre = p + z2 / (2 * cases);
  const spread = z * Math.sqrt((p * (1 - p)) / cases + z2 / (4 * cases * cases));
  return Math.max(0, (centre - spread) / (1 + z2 / cases));
}

/** The verdict on a caption's mention of `category`, given the image's evidence. */
export function mentionVerdict(
  category: string,
  evidence: Evidence,
  calibration: EvidenceCalibration,
  t: VerdictThresholds = DEFAULT_VERDICT_THRESHOLDS,
): Verdict {
  if (supportFor(category, evidence).length > 0) return 'confirmed';
  const recall = recallOf(calibration, category, t);
  return recall !== null && recall >= t.minRecall ? 'contradicted' : 'unverified';
}

/** Whether an object the caption does not name may be added: an addable object of a category usually right. */
export function isConfirmedOmission(
  category: string,
  evidence: Evidence,
  calibration: EvidenceCalibration,
  t: VerdictThresholds = DEFAULT_VERDICT_THRESHOLDS,
): boolean {
  if (!evidence.objects.some((o) => o.label === category && isAddable(o, evidence))) return false;
  const c = calibration.categories[category];
  return (
    c !== undefined &&
    c.salient >= t.minImages &&
    wilsonLowerBound(c.salientRight, c.salient) >= t.minPrecision
  );
}

/** What a rewrite changes in objects named: categories it drops and categories it adds. */
export interface ObjectChange {
  readonly removed: readonly string[];
  readonly added: readonly string[];
}

export function objectChange(before: ReadonlySet<string>, after: ReadonlySet<string>): ObjectChange {
  return {
    removed: [...before].filter((c) => !after.has(c)),
    added: [...after].filter((c) => !before.has(c)),
  };
}

/** Every object a rewrite removes is contradicted and every object it adds is confirmed. */
export function isBackedChange(
  change: ObjectChange,
  evidence: Evidence,
  calibration: EvidenceCalibration,
  t: VerdictThresholds = DEFAULT_VERDICT_THRESHOLDS,
): boolean {
  return (
    change.removed.every((c) => mentionVerdict(c, evidence, calibration, t) === 'contradicted') &&
    change.added.every((c) => isConfirmedOmission(c, evidence, calibration, t))
  );
}

/**
 * The rules' findings as the calibration allows them: a hallucination only where the mention is contradicted,
 * an omission only where it is confirmed. What is left out is unverified: the rewrite leaves it alone.
 */
export function calibrateFindings(
  findings: Findings,
  evidence: Evidence,
  calibration: EvidenceCalibration,
  t: VerdictThresholds = DEFAULT_VERDICT_THRESHOLDS,
): Findings {
  const percent = (r: number) => `${Math.round(r * 100)} %`;
  const verdict = (category: string) => mentionVerdict(category, evidence, calibration, t);
  return {
    ...findings,
    mentions: findings.mentions.map((m) => {
      const recall = recallOf(calibration, m.object, t);
      return { ...m, verdict: verdict(m.object), ...(recall === null ? {} : { evidenceRecall: recall }) };
    }),
    hallucinations: findings.hallucinations
      .filter((h) => verdict(h.object) === 'contradicted')
      .map((h) => {
        // Calibrated twice (the rules' findings, then the engine's reply built on them): said once.
        const why = `The detector finds ${percent(recallOf(calibration, h.object, t)!)} of them when they are there.`;
        return h.reason.includes(why) ? h : { ...h, reason: `${h.reason} ${why}`.trim() };
      }),
    omissions: findings.omissions.filter((o) => isConfirmedOmission(o.object, evidence, calibration, t)),
  };
}
