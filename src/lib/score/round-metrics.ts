/**
 * The scores of one set of captions (a round's, or the captions before any training), each split into simple
 * and complex images by the number of detected objects (metrics/split.ts): the critic's mean score, the
 * grounding-based hallucination rate (ungrounded mentions / mentions), CHAIR-i, CHAIR-s and object recall for
 * images with imported COCO annotations (or the sample scenes' ground truth), and the mean CLIPScore and PickScore when their models scored them (two metrics
 * on different scales, never mixed). A metric no image has a value for is null (the chart leaves it out).
 */
import type { SynonymTable } from '../vocabulary/synonyms';
import { computeChair, type CocoGroundTruth } from './chair';
import { canonicalCategory } from './student-scores';
import { namedCategories } from '../vocabulary/object-words';

export interface ImageScoreInput {
  readonly imageId: string;
  readonly caption: string;
  /** Objects detected on the image; null when nothing counted them (the image is then in `all` only). */
  readonly objectCount: number | null;
  readonly critic?: { readonly score: number; readonly mentions: number; readonly ungrounded: number };
  /** COCO categories annotated on the image: CHAIR's ground truth. */
  readonly cocoObjects?: readonly string[];
  readonly clipScore?: number;
  readonly pickScore?: number;
}

export interface SplitValue {
  readonly all: number | null;
  readonly simple: number | null;
  readonly complex: number | null;
  /** Images behind each value. */
  readonly counts: { readonly all: number; readonly simple: number; readonly complex: number };
}

export interface ScoreSummary {
  readonly images: number;
  readonly criticScore: SplitValue | null;
  readonly hallucinationRate: SplitValue | null;
  readonly chairI: SplitValue | null;
  readonly chairS: SplitValue | null;
  /** Mean over images of (annotated categories the caption names / annotated categories). */
  readonly recall?: SplitValue | null;
  readonly clipScore: SplitValue | null;
  readonly pickScore: SplitValue | null;
}

export const METRIC_NAMES = [
  'criticScore',
  'hallucinationRate',
  'chairI',
  'chairS',
  'recall',
  'clipScore',
  'pickScore',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

type Group = 'all' | 'simple' | 'complex';

function groupsOf(input: ImageScoreInput, threshold: number): Group[] {
  if (input.objectCount === null) return ['all'];
  return ['all', input.objectCount > threshold ? 'complex' : 'simple'];
}

/** `value` of each group's images (null for an empty group); null when no image has the metric at all. */
function split(
  inputs: readonly ImageScoreInput[],
  threshold: number,
  has: (input: ImageScoreInput) => boolean,
  value: (members: readonly ImageScoreInput[]) => number,
): SplitValue | null {
  const members: Record<Group, ImageScoreInput[]> = { all: [], simple: [], complex: [] };
  for (const input of inputs)
    if (has(input)) for (const g of groupsOf(input, threshold)) members[g].push(input);
  if (members.all.length === 0) return null;
  const of = (g: Group) => (members[g].length === 0 ? null : value(members[g]));
  return {
    all: of('all'),
    simple: of('simple'),
    complex: of('complex'),
    counts: { all: members.all.length, simple: members.simple.length, complex: members.complex.length },
  };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function chairOf(members: readonly ImageScoreInput[], table: SynonymTable) {
  const truth: CocoGroundTruth = {
    objectsByImageId: new Map(members.map((m, i) => [i, new Set(m.cocoObjects)])),
    imageIdByFileName: new Map(),
  };
  return computeChair(
    members.map((m, i) => ({ imageId: i, caption: m.caption })),
    truth,
    table,
  );
}

/** Per image, the share of its annotated categories the caption names; images without any count as 1. */
function recallOf(members: readonly ImageScoreInput[], table: SynonymTable): number {
  const shares = members.map((m) => {
    const present = new Set((m.cocoObjects ?? []).map((c) => canonicalCategory(c, table)));
    if (present.size === 0) return 1;
    const named = namedCategories(m.caption, table);
    return [...present].filter((c) => named.has(c)).length / present.size;
  });
  return mean(shares);
}

export function summarizeScores(
  inputs: readonly ImageScoreInput[],
  table: SynonymTable,
  threshold: number,
): ScoreSummary {
  const withCritic = (i: ImageScoreInput) => i.critic !== undefined;
  const withCoco = (i: ImageScoreInput) => i.cocoObjects !== undefined;
  return {
    images: inputs.length,
    criticScore: split(inputs, threshold, withCritic, (m) => mean(m.map((i) => i.critic!.score))),
    // Mention-weighted, as CHAIR-i: ungrounded mentions over all mentions of the group's captions.
    hallucinationRate: split(inputs, threshold, withCritic, (m) => {
      const mentions = m.reduce((n, i) => n + i.critic!.mentions, 0);
      return mentions === 0 ? 0 : m.reduce((n, i) => n + i.critic!.ungrounded, 0) / mentions;
    }),
    chairI: split(inputs, threshold, withCoco, (m) => chairOf(m, table).chairI),
    chairS: split(inputs, threshold, withCoco, (m) => chairOf(m, table).chairS),
    recall: split(inputs, threshold, withCoco, (m) => recallOf(m, table)),
    clipScore: split(
      inputs,
      threshold,
      (i) => i.clipScore !== undefined,
      (m) => mean(m.map((i) => i.clipScore!)),
    ),
    pickScore: split(
      inputs,
      threshold,
      (i) => i.pickScore !== undefined,
      (m) => mean(m.map((i) => i.pickScore!)),
    ),
  };
}
