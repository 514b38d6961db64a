/**
 * A caption written from the confirmed evidence alone, for the template rewrite of word salad
 * (caption-structure.ts): nothing of the old caption can be kept, so the rewrite names what the critique
 * confirmed, in the style of the rewrite's other from-scratch captions ("A photo of two cats and a couch."):
 * - the objects the caption mentions that the evidence grounds (not its hallucinations), then the salient
 *   objects it missed, in the critique's order (most salient first);
 * - each with its count: the evidence's corroborated count (rules.ts evidenceCount), else the count a count
 *   mismatch reports, else one; the caption's own count means nothing in word salad;
 * - and, where the boxes show it, one relation: the first object that rests "on" another (the other's larger
 *   box holds the bottom centre of each of its boxes: cats on a couch, a plate on a table), else none, since
 *   a made-up relation would be a new error.
 */
import type { Box } from '../evidence/boxes';
import { boxArea } from '../evidence/boxes';
import type { Findings } from './critique';
import type { Evidence } from '../evidence/evidence';
import { evidenceCount, isCorroborated } from './rules';
import { countedCategory, joinList } from '../vocabulary/words';

interface Confirmed {
  readonly object: string;
  readonly count: number;
}

function confirmedObjects(f: Findings, evidence: Evidence | undefined): Confirmed[] {
  const hallucinated = new Set(f.hallucinations.map((h) => h.object));
  const mentioned = f.mentions.filter((m) => m.grounded && !hallucinated.has(m.object)).map((m) => m.object);
  const countOf = (object: string, fallback: number): number => {
    const counted = evidence ? evidenceCount(object, evidence) : 0;
    if (counted > 0) return counted;
    return f.countMismatches.find((c) => c.object === object)?.actual ?? fallback;
  };
  const out: Confirmed[] = [];
  for (const object of mentioned) out.push({ object, count: Math.max(1, countOf(object, 1)) });
  for (const o of f.omissions)
    if (!hallucinated.has(o.object) && !out.some((c) => c.object === o.object))
      out.push({ object: o.object, count: Math.max(1, o.count) });
  return out;
}

/** Boxes of the objects of a category that count (corroborated and seen whole). */
function countedBoxes(category: string, e: Evidence): Box[] {
  return e.objects.filter((o) => o.label === category && o.whole && isCorroborated(o)).map((o) => o.box);
}

function holdsBottomOf(support: Box, thing: Box): boolean {
  const x = (thing.x1 + thing.x2) / 2;
  return (
    boxArea(support) > boxArea(thing) &&
    x >= support.x1 &&
    x <= support.x2 &&
    thing.y2 >= support.y1 &&
    thing.y2 <= support.y2
  );
}

/** "on" when every box of `subject` rests in some larger box of `object`. */
function isOn(subject: string, object: string, e: Evidence): boolean {
  const things = countedBoxes(subject, e);
  const supports = countedBoxes(object, e);
  return (
    things.length > 0 && supports.length > 0 && things.every((t) => supports.some((s) => holdsBottomOf(s, t)))
  );
}

/** The first object (in order) that rests on another: [its index, the other's], if the boxes show one. */
function firstOnPair(objects: readonly Confirmed[], e: Evidence): [number, number] | null {
  for (let i = 0; i < objects.length; i++)
    for (let j = 0; j < objects.length; j++)
      if (i !== j && isOn(objects[i]!.object, objects[j]!.object, e)) return [i, j];
  return null;
}

export function captionFromEvidence(f: Findings, evidence: Evidence | undefined): string {
  const objects = confirmedObjects(f, evidence);
  if (objects.length === 0) return 'A photo.';
  const phrase = (o: Confirmed) => countedCategory(o.count, o.object);
  const pair = evidence ? firstOnPair(objects, evidence) : null;
  if (pair === null) return `A photo of ${joinList(objects.map(phrase))}.`;
  // The pair goes where the first of the two was: "a couch, two cats and …" → "two cats on a couch and …".
  const [thing, support] = pair;
  const items: string[] = [];
  objects.forEach((o, i) => {
    if (i === Math.min(thing, support))
      items.push(`${phrase(objects[thing]!)} on ${phrase(objects[support]!)}`);
    else if (i !== thing && i !== support) items.push(phrase(o));
  });
  return `A photo of ${joinList(items)}.`;
}
