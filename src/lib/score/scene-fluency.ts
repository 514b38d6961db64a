/**
 * Fluency of a caption in the composed-scene world: does the scene generator's caption grammar
 * (src/lib/scenes/captions.ts) produce it, for some objects of the given categories? A student trained on
 * those captions that writes one it could not have read ("a person person to the", "two toilet") is not fluent.
 *
 * The grammar is restated here as patterns: its object words (categoryWords) and counted nouns
 * (vocabulary/words.ts countedNoun) come from the same code; its templates are mirrored, and the test that every
 * caption the generator writes parses keeps the two in step.
 */
import { countedNoun } from '../vocabulary/words';
import { categoryWords } from '../scenes/captions';

const COUNTS = ['two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'many'];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (items: readonly string[]) =>
  `(?:${[...new Set(items)]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|')})`;

/** A test of captions against the scene grammar over these COCO categories. */
export function sceneGrammar(categoryNames: readonly string[]): (caption: string) => boolean {
  const words = categoryNames.flatMap((name) => categoryWords(name));
  const one = anyOf(words.map(([singular, plural]) => countedNoun(1, singular, plural)));
  const many = `${anyOf(COUNTS)} ${anyOf(words.map(([, plural]) => plural))}`;
  const noun = `(?:${one}|${many})`;
  const list = `${noun}(?:, ${noun})* and ${noun}|${noun}`;
  const patterns = [
    `(?:${list})`,
    `a picture of (?:${list})`,
    `there is (?:${one}(?:, ${noun})* and ${noun}|${one}) in the picture`,
    `there are (?:${many}(?:, ${noun})* and ${noun}|${many}) in the picture`,
    `an image showing (?:${list})`,
    `a scene with (?:${list})`,
    `${one} (?:on|under|to the left of|to the right of) ${one}`,
    `${one} on the left and ${one} on the right`,
    'an empty scene',
  ].map((p) => new RegExp(`^${p}\\.?$`));
  return (caption) => {
    const text = caption.trim().toLowerCase().replace(/\s+/g, ' ');
    return patterns.some((p) => p.test(text));
  };
}
