/**
 * The critique of one caption version as lines for the critic panel: what the rewrite acts on (not in the image,
 * missing, counts, relations), and every object the caption mentions with its verdict and the evidence behind
 * it. Text only: model and LLM output is never HTML.
 */
import type { Critique, MentionVerdict, SupportKind } from '../../lib/critic/critique';
import type { Evidence } from '../../lib/evidence/evidence';
import { FLORENCE_OD_SOURCE } from '../../lib/evidence/evidence';
import { supportFor } from '../../lib/critic/rules';

export interface FindingLine {
  readonly kind: 'hallucination' | 'omission' | 'count' | 'relation';
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
  ];
}

/**
 * A mention's verdict: with calibrated verdicts (calibration.ts) confirmed, contradicted or unverified; without
 * them, grounded or not grounded, as the rules see it.
 */
export type MentionLineVerdict = NonNullable<MentionVerdict['verdict']> | 'grounded' | 'not-grounded';

export interface MentionLine {
  readonly object: string;
  /** The noun phrase as written. */
  readonly text: string;
  readonly verdict: MentionLineVerdict;
  /** The verdict in words ("Confirmed"). */
  readonly label: string;
  /** The evidence behind the verdict, in words. */
  readonly evidence: string;
}

const LABELS: Record<MentionLineVerdict, string> = {
  confirmed: 'Confirmed',
  contradicted: 'Contradicted',
  unverified: 'Unverified',
  grounded: 'Grounded',
  'not-grounded': 'Not grounded',
};

const SOURCE_WORDS: Record<SupportKind, string> = {
  detector: 'the detector',
  'florence-od': "Florence-2's object detection",
  region: 'a Florence-2 region description',
  'detailed-caption': "Florence-2's detailed caption",
};

/**
 * The detector's view of a category: how many objects it found (after merging zoom levels), its best box score
 * (the raw boxes drawn on the photo; the merged objects when there are none) and the zoom levels that saw it.
 */
function detectorDetails(object: string, evidence: Evidence | undefined): string {
  const bySelf = (sources: readonly string[]) => sources.some((s) => s !== FLORENCE_OD_SOURCE);
  const seen = (evidence?.objects ?? []).filter((o) => o.label === object && bySelf(o.sources));
  if (seen.length === 0) return '';
  const boxes = (evidence?.detections ?? []).filter((d) => d.label === object && bySelf([d.source]));
  const best = Math.max(...(boxes.length > 0 ? boxes : seen).map((o) => o.score));
  const zooms = [...new Set(seen.flatMap((o) => o.zoomLevels))].sort((a, b) => a - b);
  const count = seen.length === 1 ? '1 object' : `${seen.length} objects`;
  const at = zooms.length === 0 ? '' : `, zoom level${zooms.length === 1 ? '' : 's'} ${zooms.join(', ')}`;
  return ` (${count}, best box ${percent(best)}${at})`;
}

/** Who shows the object: "the detector (2 objects, best box 89 %, zoom levels 1, 2) and a region description". */
function shownBy(m: MentionVerdict, evidence: Evidence | undefined): string {
  // The evidence itself where it is at hand (an engine's critique may carry no support kinds).
  const support = evidence ? supportFor(m.object, evidence) : m.support;
  const sources = support.map((s) =>
    s === 'detector' ? `${SOURCE_WORDS[s]}${detectorDetails(m.object, evidence)}` : SOURCE_WORDS[s],
  );
  if (sources.length === 0) return "The critic's engine found it in the image; no evidence names it.";
  const last = sources.pop()!;
  return `Shown by ${sources.length === 0 ? last : `${sources.join(', ')} and ${last}`}.`;
}

function evidenceText(
  m: MentionVerdict,
  verdict: MentionLineVerdict,
  evidence: Evidence | undefined,
): string {
  switch (verdict) {
    case 'confirmed':
    case 'grounded':
      return shownBy(m, evidence);
    case 'contradicted':
      return (
        'No evidence; the detector finds ' +
        (m.evidenceRecall === undefined ? 'most' : percent(m.evidenceRecall)) +
        ' of them when they are there.'
      );
    case 'unverified':
      return (
        'No evidence, but the detector ' +
        (m.evidenceRecall === undefined
          ? 'has too few measurements of this kind of object to tell'
          : `finds only ${percent(m.evidenceRecall)} of them when they are there`) +
        ': left as written.'
      );
    case 'not-grounded':
      return 'No detector box, Florence-2 object, region description or detailed caption shows it.';
  }
}

/** Every object the caption version mentions, with its verdict and the evidence behind it. */
export function mentionLines(c: Critique, evidence?: Evidence): MentionLine[] {
  return c.mentions.map((m) => {
    const verdict: MentionLineVerdict = m.verdict ?? (m.grounded ? 'grounded' : 'not-grounded');
    return {
      object: m.object,
      text: m.text,
      verdict,
      label: LABELS[verdict],
      evidence: evidenceText(m, verdict, evidence),
    };
  });
}
