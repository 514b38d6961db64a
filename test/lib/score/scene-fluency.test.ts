import { describe, expect, it } from 'vitest';
import { sceneGrammar } from '../../../src/lib/score/scene-fluency';
import type { CaptionObject } from '../../../src/lib/scenes/captions';
import { sceneCaptions } from '../../../src/lib/scenes/captions';
import { SceneRandom } from '../../../src/lib/scenes/random';

const CATEGORIES: Record<number, string> = {
  1: 'person',
  62: 'chair',
  64: 'potted plant',
  70: 'toilet',
  72: 'tv',
  51: 'bowl',
  5: 'airplane',
};
const ids = Object.keys(CATEGORIES).map(Number);
const parses = sceneGrammar(Object.values(CATEGORIES));

describe('scene grammar fluency', () => {
  it('parses every caption the scene generator writes (1 to 6 objects, many seeds)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = new SceneRandom(seed);
      const objects: CaptionObject[] = Array.from({ length: random.int(1, 6) }, () => ({
        categoryId: random.pick(ids),
        bbox: [random.int(0, 180), random.int(0, 180), random.int(20, 60), random.int(20, 60)],
      }));
      for (const caption of sceneCaptions(objects, (id) => CATEGORIES[id]!, random, 4)) {
        expect(parses(caption), caption).toBe(true);
      }
    }
    expect(parses(sceneCaptions([], (id) => CATEGORIES[id]!, new SceneRandom(1))[0]!)).toBe(true);
  });

  it('refuses word salad, broken agreement and objects of other categories', () => {
    for (const caption of [
      'a person person to the the',
      'two toilet.',
      'there is two chairs in the picture.',
      'a person and',
      'a zebra and a person.',
      'a person on the left and two chairs on the right.',
      'riding blue blue riding',
    ]) {
      expect(parses(caption), caption).toBe(false);
    }
    for (const caption of [
      'A person and two toilets.',
      'a television to the left of a houseplant',
      'There are three people, a bowl and an airplane in the picture.',
    ]) {
      expect(parses(caption), caption).toBe(true);
    }
  });
});
