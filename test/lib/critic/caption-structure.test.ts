import { describe, expect, it } from 'vitest';
import { captionStructure } from '../../../src/lib/critic/caption-structure';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';

describe('captionStructure', () => {
  it('calls word salad what the tiny random student writes', () => {
    // Captions of public/models/tiny-random/vit-gpt2 on the fixture photos (transformers.js, greedy).
    for (const salad of [
      'tru tru tru drawn pizza tru tru',
      'lying tre people people holding the standing standing per riding sitting per riding blue on per riding an an holding',
      'standing standing standing standing food car standing people field couch standing per field field to small per',
      'bat to to tennis standing per field per field pl at at on field tre per per field per per',
    ])
      expect(captionStructure(salad), salad).toMatchObject({ parseable: false });
  });

  it('reads sentences as parseable, also ones that name a thing twice or stutter once', () => {
    for (const sentence of [
      'Two cats sleeping on a couch.',
      'A man holding a tennis racket next to a man with a ball on a tennis court.',
      'A dog and a cat on a couch, and a remote on the couch.',
      'A a man riding a skateboard down the street.',
      'There is a cat on a couch.',
      'tru',
    ])
      expect(captionStructure(sentence), sentence).toEqual({ parseable: true });
  });

  it('with the synonym table, also calls salad a caption that names no object and loops', () => {
    // Tiny-student captions that name no COCO object: nothing to edit, and the decoder looped.
    for (const salad of ['lying tre to tre riding blue blue riding', 'tre per tru per tru riding'])
      expect(captionStructure(salad, CHAIR_SYNONYMS), salad).toMatchObject({ parseable: false });
    expect(captionStructure('lying tre to tre riding blue blue riding')).toEqual({ parseable: true });
    // Sentences: one word twice with no COCO object, or objects named.
    for (const sentence of [
      'A view of a city street with a street sign.',
      'A cat cat on a couch with a toy.',
      'Two people standing in a field.',
    ])
      expect(captionStructure(sentence, CHAIR_SYNONYMS), sentence).toEqual({ parseable: true });
  });

  it('says why', () => {
    expect(captionStructure('tru tru tru drawn pizza tru tru').reason).toBe('"tru" 5 times');
    expect(captionStructure('a cat cat on a couch couch').reason).toBe('a word right after itself 2 times');
  });
});
