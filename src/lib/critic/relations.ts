/**
 * Spatial relations a caption states between adjacent object phrases ("a cat on a couch", "a dog to the
 * left of a man", "a man on the left"), checked against boxes. Left and right are as seen in the image.
 * A relation is only called wrong when every pair of candidate boxes contradicts it clearly; with no box
 * on either side it is not checked at all ("where the boxes support it").
 */
import type { Box } from '../evidence/boxes';
import { boxCenter } from '../evidence/boxes';
import type { Relation } from './critique';
import type { ObjectPhrase } from '../vocabulary/object-phrases';

export interface StatedRelation {
  readonly subject: ObjectPhrase;
  readonly relation: Relation;
  readonly object?: ObjectPhrase;
  /** From the subject's start to the object's (or the relation's) end. */
  readonly text: string;
  /** Offsets of the relation words themselves, for rewriting. */
  readonly relationStart: number;
  readonly relationEnd: number;
}

const BINARY: ReadonlyArray<readonly [RegExp, Relation]> = [
  [/(?:^|\s)((?:to|on) the left of|left of)\s*$/, 'left of'],
  [/(?:^|\s)((?:to|on) the right of|right of)\s*$/, 'right of'],
  [/(?:^|\s)(under|underneath|beneath|below)\s*$/, 'under'],
  [/(?:^|\s)(on top of|on|onto|atop|upon)\s*$/, 'on'],
];
const UNARY: ReadonlyArray<readonly [RegExp, Relation]> = [
  [
    /^\s*(?:(?:is|are|sits?|stands?)\s+)?((?:on|to) the left(?: side)?)(?!\s+(?:of|side of))\b/,
    'on the left',
  ],
  [
    /^\s*(?:(?:is|are|sits?|stands?)\s+)?((?:on|to) the right(?: side)?)(?!\s+(?:of|side of))\b/,
    'on the right',
  ],
];
/** Longest stretch of words between two phrases that can still carry their relation ("lying on"). */
const MAX_GAP = 40;

export function extractRelations(caption: string, phrases: readonly ObjectPhrase[]): StatedRelation[] {
  const out: StatedRelation[] = [];
  phrases.forEach((subject, i) => {
    const next = phrases[i + 1];
    const after = caption.slice(subject.end, next ? next.start : caption.length);
    for (const [re, relation] of UNARY) {
      const m = re.exec(after);
      if (m?.[1]) {
        const relationStart = subject.end + m.index + m[0].length - m[1].length;
        const relationEnd = relationStart + m[1].length;
        out.push({
          subject,
          relation,
          text: caption.slice(subject.start, relationEnd),
          relationStart,
          relationEnd,
        });
        return;
      }
    }
    if (!next || after.length > MAX_GAP || /[.;!?]/.test(after)) return;
    const gap = after.toLowerCase();
    for (const [re, relation] of BINARY) {
      const m = re.exec(gap);
      if (m?.[1]) {
        const relationStart = subject.end + m.index + m[0].indexOf(m[1]);
        out.push({
          subject,
          relation,
          object: next,
          text: caption.slice(subject.start, next.end),
          relationStart,
          relationEnd: relationStart + m[1].length,
        });
        return;
      }
    }
  });
  return out;
}

export interface RelationVerdict {
  readonly holds: boolean;
  readonly observed?: Relation;
}

function horizontalOverlap(a: Box, b: Box): number {
  return Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
}

/** Whether one pair of boxes contradicts the relation, and what it shows instead. */
function contradiction(a: Box, b: Box, relation: Relation, margin: number): Relation | 'apart' | null {
  const ca = boxCenter(a);
  const cb = boxCenter(b);
  switch (relation) {
    case 'left of':
      return ca.x > cb.x + margin ? 'right of' : null;
    case 'right of':
      return ca.x < cb.x - margin ? 'left of' : null;
    case 'on':
      if (horizontalOverlap(a, b) <= 0) return 'apart';
      return ca.y > b.y2 ? 'under' : null;
    case 'under':
      if (horizontalOverlap(a, b) <= 0) return 'apart';
      return ca.y < b.y1 ? 'on' : null;
    default:
      return null;
  }
}

/**
 * Checks a stated relation against candidate boxes for its subject and object. Holds when any pair is
 * consistent; otherwise reports what the pairs agree on (e.g. 'right of'), if they agree.
 * `margin` is in pixels. Returns null when there is nothing to check against.
 */
export function checkRelation(
  relation: Relation,
  subjectBoxes: readonly Box[],
  objectBoxes: readonly Box[],
  imageWidth: number,
  margin: number,
): RelationVerdict | null {
  if (subjectBoxes.length === 0) return null;
  if (relation === 'on the left' || relation === 'on the right') {
    const half = imageWidth / 2;
    const wrong = subjectBoxes.every((b) =>
      relation === 'on the left' ? boxCenter(b).x > half + margin : boxCenter(b).x < half - margin,
    );
    return wrong
      ? { holds: false, observed: relation === 'on the left' ? 'on the right' : 'on the left' }
      : { holds: true };
  }
  if (objectBoxes.length === 0) return null;
  const seen = new Set<Relation | 'apart'>();
  for (const a of subjectBoxes) {
    for (const b of objectBoxes) {
      const c = contradiction(a, b, relation, margin);
      if (c === null) return { holds: true };
      seen.add(c);
    }
  }
  const [only] = seen;
  return seen.size === 1 && only !== undefined && only !== 'apart'
    ? { holds: false, observed: only }
    : { holds: false };
}
