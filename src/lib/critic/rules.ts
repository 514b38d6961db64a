/**
 * The rule-based critic: checks a caption's object phrases against the evidence and returns findings.
 * This is the loss the template engine reports, and the reference the LLM engines are averaged with.
 *
 * - Grounded: some evidence names the object: a detector box, a Florence-2 `<OD>` box, a region
 *   description or the detailed caption. Florence-2's phrase grounding is not enough on its own: it puts
 *   a box on whatever phrase it is given, so it only locates objects for relation checks.
 * - Salient (an omission when not mentioned): a COCO object seen whole, corroborated (seen on the whole
 *   image, or at two zoom levels, or by two sources), scoring at least `minSalientScore` and covering at
 *   least `minSalientArea` of the image. A box seen in one crop only is too often a part or a mistake.
 * - Counted: corroborated whole objects, per source; the largest count of any source is the actual count
 *   (detectors miss objects far more often than they invent corroborated ones). "a cat" with two cats
 *   found is a count mismatch; "a man" among three people is not (captions describe people one by one,
 *   so for persons an "a/an" phrase claims at least one), but "two people" among three is.
 */
import type { Box } from '../evidence/boxes';
import { boxArea } from '../evidence/boxes';
import type {
  CountMismatch,
  Findings,
  Hallucination,
  MentionVerdict,
  Omission,
  RelationMismatch,
  SupportKind,
} from './critique';
import type { Evidence, EvidenceObject } from '../evidence/evidence';
import { FLORENCE_OD_SOURCE } from '../evidence/evidence';
import type { ObjectPhrase } from '../vocabulary/object-phrases';
import { extractObjectPhrases } from '../vocabulary/object-phrases';
import { countedCategory } from '../vocabulary/words';
import { checkRelation, extractRelations } from './relations';
import type { SynonymTable } from '../vocabulary/synonyms';

export interface RuleSettings {
  readonly minSalientArea: number;
  readonly minSalientScore: number;
  readonly maxOmissions: number;
  /** Fraction of the image width a box centre must pass the other's to contradict left/right. */
  readonly relationMargin: number;
}

export const DEFAULT_RULE_SETTINGS: RuleSettings = Object.freeze({
  minSalientArea: 0.01,
  minSalientScore: 0.5,
  maxOmissions: 3,
  relationMargin: 0.02,
});

export function isCorroborated(o: EvidenceObject): boolean {
  return o.zoomLevels.includes(1) || o.zoomLevels.length >= 2 || o.sources.length >= 2;
}

export function isSalient(o: EvidenceObject, e: Evidence, s: RuleSettings = DEFAULT_RULE_SETTINGS): boolean {
  return (
    o.isCoco &&
    o.whole &&
    isCorroborated(o) &&
    o.score >= s.minSalientScore &&
    boxArea(o.box) >= s.minSalientArea * e.imageWidth * e.imageHeight
  );
}

/** Objects of a category that count: corroborated and seen whole; the largest count among sources. */
export function evidenceCount(category: string, e: Evidence): number {
  const counted = e.objects.filter((o) => o.label === category && o.whole && isCorroborated(o));
  const perSource = new Map<string, number>();
  for (const o of counted) for (const s of o.sources) perSource.set(s, (perSource.get(s) ?? 0) + 1);
  return Math.max(0, ...perSource.values());
}

export function supportFor(category: string, e: Evidence): SupportKind[] {
  const support: SupportKind[] = [];
  const objects = e.objects.filter((o) => o.label === category);
  if (objects.some((o) => o.sources.some((s) => s !== FLORENCE_OD_SOURCE))) support.push('detector');
  if (objects.some((o) => o.sources.includes(FLORENCE_OD_SOURCE))) support.push('florence-od');
  if (e.regions.some((r) => r.categories.includes(category))) support.push('region');
  if (e.detailedCaptionCategories.includes(category)) support.push('detailed-caption');
  return support;
}

/** Boxes that locate a category: evidence objects first, else Florence-2's grounding of the caption. */
export function boxesFor(category: string, e: Evidence): Box[] {
  const objects = e.objects.filter((o) => o.label === category).map((o) => o.box);
  if (objects.length > 0) return objects;
  return (e.grounding?.phrases ?? []).filter((g) => g.categories.at(-1) === category).map((g) => g.box);
}

interface Claim {
  readonly claimed: number | 'many';
  readonly text: string;
  /** "a man" claims at least one person, not exactly one (see checkCaption). */
  readonly atLeast: boolean;
}

/**
 * What all phrases of one category claim together: the largest stated number or the number of "a/an"
 * phrases ("a man and a woman" are two), whichever is larger, plus one for each "another"; a bare plural
 * claims more than one. Definite phrases ("the cat") refer back and claim nothing.
 */
function claimedFor(category: string, phrases: readonly ObjectPhrase[]): Claim | null {
  let numbered = 0;
  let numberedText = '';
  let singles = 0;
  let additive = 0;
  let many = false;
  let text = '';
  for (const p of phrases) {
    if (p.count.kind === 'exact') {
      if (p.count.additive) additive += 1;
      else if (/^(a|an)\b/i.test(p.text) && p.count.n === 1) singles += 1;
      else if (p.count.n > numbered) {
        numbered = p.count.n;
        numberedText = p.text;
      }
      text ||= p.text;
    } else if (p.count.kind === 'many') {
      many = true;
      text ||= p.text;
    }
  }
  const exact = Math.max(numbered, singles);
  if (exact > 0) {
    const atLeast = category === 'person' && numbered < singles;
    return { claimed: exact + additive, text: numbered >= singles ? numberedText : text, atLeast };
  }
  if (many || additive > 0) return { claimed: 'many', text, atLeast: false };
  return null;
}

export function checkCaption(
  caption: string,
  e: Evidence,
  table: SynonymTable,
  s: RuleSettings = DEFAULT_RULE_SETTINGS,
): Findings {
  const phrases = extractObjectPhrases(caption, table);
  const categories = [...new Set(phrases.map((p) => p.category))];
  const mentions: MentionVerdict[] = [];
  const hallucinations: Hallucination[] = [];
  const countMismatches: CountMismatch[] = [];
  for (const category of categories) {
    const ofCategory = phrases.filter((p) => p.category === category);
    const text = ofCategory[0]!.text;
    const support = supportFor(category, e);
    mentions.push({ object: category, text, grounded: support.length > 0, support });
    if (support.length === 0) {
      hallucinations.push({
        object: category,
        text,
        reason: `No detector box, Florence-2 object, region description or detailed caption shows ${countedCategory(1, category)}.`,
      });
      continue;
    }
    const actual = evidenceCount(category, e);
    const claim = claimedFor(category, ofCategory);
    if (actual > 0 && claim) {
      const wrong =
        claim.claimed === 'many'
          ? actual === 1
          : claim.atLeast
            ? claim.claimed > actual
            : claim.claimed !== actual;
      if (wrong) countMismatches.push({ object: category, text: claim.text, claimed: claim.claimed, actual });
    }
  }
  const omissions = findOmissions(new Set(categories), e, s);
  const relationMismatches = findRelationMismatches(caption, phrases, hallucinations, e, s);
  return { mentions, hallucinations, omissions, countMismatches, relationMismatches };
}

function findOmissions(mentioned: ReadonlySet<string>, e: Evidence, s: RuleSettings): Omission[] {
  const byCategory = new Map<string, EvidenceObject[]>();
  for (const o of e.objects) {
    if (mentioned.has(o.label) || !isSalient(o, e, s)) continue;
    byCategory.set(o.label, [...(byCategory.get(o.label) ?? []), o]);
  }
  return [...byCategory.entries()]
    .map(([object, objs]) => {
      const top = [...objs].sort((a, b) => boxArea(b.box) * b.score - boxArea(a.box) * a.score)[0]!;
      return {
        object,
        count: Math.max(objs.length, evidenceCount(object, e)),
        box: top.box,
        zoomLevels: top.zoomLevels,
        sources: top.sources,
        weight: boxArea(top.box) * top.score,
      };
    })
    .sort((a, b) => b.weight - a.weight)
    .slice(0, s.maxOmissions)
    .map(({ weight: _weight, ...o }) => o);
}

function findRelationMismatches(
  caption: string,
  phrases: readonly ObjectPhrase[],
  hallucinations: readonly Hallucination[],
  e: Evidence,
  s: RuleSettings,
): RelationMismatch[] {
  const ungrounded = new Set(hallucinations.map((h) => h.object));
  const out: RelationMismatch[] = [];
  for (const r of extractRelations(caption, phrases)) {
    if (ungrounded.has(r.subject.category) || (r.object && ungrounded.has(r.object.category))) continue;
    if (r.object && r.object.category === r.subject.category) continue;
    const verdict = checkRelation(
      r.relation,
      boxesFor(r.subject.category, e),
      r.object ? boxesFor(r.object.category, e) : [],
      e.imageWidth,
      s.relationMargin * e.imageWidth,
    );
    if (verdict && !verdict.holds) {
      out.push({
        subject: r.subject.category,
        relation: r.relation,
        ...(r.object ? { object: r.object.category } : {}),
        text: r.text,
        ...(verdict.observed ? { observed: verdict.observed } : {}),
      });
    }
  }
  return out;
}
