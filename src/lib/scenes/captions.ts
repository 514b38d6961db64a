/**
 * Captions from the ground truth, by a small grammar: counted lists ("two cups and a dog"), left/right and
 * on/under relations between two objects, several phrasings. Object words come from the CHAIR synonym list
 * (src/lib/vocabulary/chair-synonyms.txt), so CHAIR and the critic read every object back with its count.
 */
import { countedNoun } from '../vocabulary/words';
import type { SceneRandom } from './random';

export interface CaptionObject {
  readonly categoryId: number;
  /** Visible box [x, y, w, h]. */
  readonly bbox: readonly number[];
}

/** Words per COCO category: [singular, plural]; the first is the category's own name. */
const WORDS: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  person: [
    ['person', 'people'],
    ['person', 'persons'],
  ],
  tv: [
    ['tv', 'tvs'],
    ['television', 'televisions'],
  ],
  couch: [
    ['couch', 'couches'],
    ['sofa', 'sofas'],
  ],
  bicycle: [
    ['bicycle', 'bicycles'],
    ['bike', 'bikes'],
  ],
  motorcycle: [
    ['motorcycle', 'motorcycles'],
    ['motorbike', 'motorbikes'],
  ],
  airplane: [
    ['airplane', 'airplanes'],
    ['plane', 'planes'],
  ],
  'potted plant': [
    ['potted plant', 'potted plants'],
    ['houseplant', 'houseplants'],
  ],
  'dining table': [['table', 'tables']],
  'teddy bear': [['teddy bear', 'teddy bears']],
  cup: [['cup', 'cups']],
  bowl: [['bowl', 'bowls']],
  chair: [['chair', 'chairs']],
  car: [['car', 'cars']],
};

/** Word choices for a category name; the name itself (plural by the usual rules) when no list is given. */
export function categoryWords(name: string): ReadonlyArray<readonly [string, string]> {
  const known = WORDS[name];
  if (known) return known;
  const plural = /(s|x|z|ch|sh)$/.test(name)
    ? `${name}es`
    : name.endsWith('y')
      ? `${name.slice(0, -1)}ies`
      : `${name}s`;
  return [[name, plural]];
}

interface Group {
  readonly name: string;
  readonly count: number;
  readonly words: readonly [string, string];
  /** Mean centre x of the group's boxes, to list left to right. */
  readonly cx: number;
}

function listPhrase(groups: readonly Group[]): string {
  const parts = groups.map((g) => countedNoun(g.count, g.words[0], g.words[1]));
  if (parts.length === 1) return parts[0]!;
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Relations between two single objects of different categories, when one is clear ([] when none is). */
function relationPhrases(
  objects: readonly CaptionObject[],
  words: readonly (readonly [string, string])[],
): string[] {
  const noun = (i: number) => countedNoun(1, words[i]![0], words[i]![1]);
  const box = (i: number) => objects[i]!.bbox as [number, number, number, number];
  const [ax, , aw] = box(0);
  const [bx, , bw] = box(1);
  const overlapX = Math.min(ax + aw, bx + bw) - Math.max(ax, bx);
  const phrases: string[] = [];
  // "on": the upper object's bottom edge lies in the top half of the lower one's box, and the two overlap
  // horizontally by at least half the narrower width.
  const onTop = (upper: number, lower: number) => {
    const [, uy, , uh] = box(upper);
    const [, ly, , lh] = box(lower);
    const bottom = uy + uh;
    return overlapX >= 0.5 * Math.min(aw, bw) && uy < ly && bottom >= ly && bottom <= ly + lh / 2;
  };
  if (onTop(0, 1)) phrases.push(`${noun(0)} on ${noun(1)}`, `${noun(1)} under ${noun(0)}`);
  else if (onTop(1, 0)) phrases.push(`${noun(1)} on ${noun(0)}`, `${noun(0)} under ${noun(1)}`);
  const acx = ax + aw / 2;
  const bcx = bx + bw / 2;
  // Left/right only when the boxes barely overlap horizontally, so that the side is plain to see.
  if (overlapX < 0.25 * Math.min(aw, bw)) {
    const [left, right] = acx < bcx ? [0, 1] : [1, 0];
    phrases.push(
      `${noun(left)} to the left of ${noun(right)}`,
      `${noun(right)} to the right of ${noun(left)}`,
      `${noun(left)} on the left and ${noun(right)} on the right`,
    );
  }
  return phrases;
}

/**
 * `howMany` captions for one scene, each a different phrasing when the grammar has enough (duplicates are
 * avoided, not forbidden). Every caption names exactly the scene's categories, each with its count.
 */
export function sceneCaptions(
  objects: readonly CaptionObject[],
  categoryName: (id: number) => string,
  random: SceneRandom,
  howMany = 3,
): string[] {
  if (objects.length === 0) return ['An empty scene.'];
  const byCategory = new Map<number, CaptionObject[]>();
  for (const o of objects) {
    const list = byCategory.get(o.categoryId);
    if (list) list.push(o);
    else byCategory.set(o.categoryId, [o]);
  }
  const groupsFor = () =>
    [...byCategory.entries()]
      .map(([id, list]) => {
        const name = categoryName(id);
        return {
          name,
          count: list.length,
          words: random.pick(categoryWords(name)),
          cx: list.reduce((s, o) => s + o.bbox[0]! + o.bbox[2]! / 2, 0) / list.length,
        };
      })
      .sort((p, q) => p.cx - q.cx);
  const candidates: string[] = [];
  for (let tries = 0; tries < howMany * 4 && candidates.length < howMany; tries++) {
    const groups = groupsFor();
    const ordered = random.next() < 0.5 ? groups : [...groups].reverse();
    const list = listPhrase(ordered);
    const there = ordered[0]!.count === 1 ? 'is' : 'are';
    const templates = [
      `${capitalise(list)}.`,
      `A picture of ${list}.`,
      `There ${there} ${list} in the picture.`,
      `An image showing ${list}.`,
      `A scene with ${list}.`,
    ];
    if (objects.length === 2 && byCategory.size === 2) {
      const pairWords = objects.map((o) => random.pick(categoryWords(categoryName(o.categoryId))));
      for (const r of relationPhrases(objects, pairWords)) templates.push(`${capitalise(r)}.`);
    }
    const caption = random.pick(templates);
    if (!candidates.includes(caption)) candidates.push(caption);
  }
  return candidates;
}
