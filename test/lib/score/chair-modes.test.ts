/**
 * CHAIR's two modes side by side: where our default counter now counts as the reference does (issue 17 §3),
 * where it deliberately does not (the reference's own mistakes), and the reference's ground truth
 * (instances + human captions) beside instances alone.
 */
import { describe, expect, it } from 'vitest';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';
import { extractObjectPhrases } from '../../../src/lib/vocabulary/object-phrases';
import {
  CocoAnnotationsError,
  type ChairMode,
  chairMentions,
  computeChair,
  groundTruthObjects,
  parseCocoCaptions,
  parseCocoInstances,
  withCocoCaptions,
} from '../../../src/lib/score/chair';
import { cocoInstances } from '../evidence/helpers/real-data';

const table = CHAIR_SYNONYMS;
const categories = (caption: string, mode: ChairMode = 'default') =>
  chairMentions(caption, table, mode).map((w) => w.category);
const both = (caption: string) => [categories(caption), categories(caption, 'reference')];

describe('default mode: counted as the reference counts', () => {
  it('keeps hyphenated and slashed words whole, naming nothing', () => {
    expect(both('A hot-dog, a fire-hydrant and a cell-phone on a dog/cat bed.')).toEqual([['bed'], ['bed']]);
    expect(categories('A black-and-white cat with a teddy-bear.')).toEqual(['cat']);
    // The critic's phrases still read the parts: it would rather see the hot dog.
    expect(extractObjectPhrases('A hot-dog on a plate.', table).map((p) => p.category)).toEqual(['hot dog']);
  });

  it('takes "baby"/"adult" before any animal word, "animal" and "cub" included, as no person', () => {
    expect(both('A baby animal lying in the grass.')).toEqual([[], []]);
    expect(both('A mother bear with her baby cub.')).toEqual([
      ['person', 'bear'],
      ['person', 'bear'],
    ]);
    expect(both('Two baby cubs play near an adult bear.')).toEqual([['bear'], ['bear']]);
    expect(categories('A baby in a crib.')).toEqual(['person']);
  });

  it('drops "seat" only beside the word "toilet", not beside another toilet word', () => {
    expect(both('A urinal next to a seat.')).toEqual([
      ['toilet', 'chair'],
      ['toilet', 'chair'],
    ]);
    expect(both('The seat of the commode is broken.')).toEqual([
      ['chair', 'toilet'],
      ['chair', 'toilet'],
    ]);
    expect(both('Toilets and seats in a store.')).toEqual([['toilet'], ['toilet']]);
    expect(both('A white toilet with the toilet seat down and a seat cover.')).toEqual([
      ['toilet', 'toilet'],
      ['toilet', 'toilet'],
    ]);
  });

  it('reads "train tracks" as the rails, not a train', () => {
    expect(both('Train tracks run through the city.')).toEqual([[], []]);
    expect(both('A train on the train tracks.')).toEqual([['train'], ['train']]);
    expect(both('A passenger train on train tracks.')).toEqual([['train'], ['train']]);
    expect(both('The train station is empty.')).toEqual([['train'], ['train']]);
  });

  it('does not read "skies" as skis', () => {
    expect(both('Kites in the blue skies.')).toEqual([['kite'], ['kite']]);
    expect(categories('A skier on skis.')).toEqual(['person', 'skis']);
  });
});

describe('default mode: sensible where the reference errs', () => {
  it.each([
    ['A red bus parked on the street.', ['bus'], []], // singularize("bus") = "bu"
    ['A man wearing ties.', ['person', 'tie'], ['person']], // singularize("ties") = "ty"
    ['Canoes on a lake.', ['boat'], []], // singularize("canoes") = "cano"
    ['Two doggies.', ['dog'], []], // singularize returns "doggies"
    ['A man with an iPhone.', ['person', 'cell phone'], ['person']], // "iPhone" is capitalised in the list
    ['A scooter and a motor bike.', ['motorcycle', 'motorcycle'], ['motorcycle']], // " motor bike"
    ['A piece of cheesecake.', ['cake'], []], // " cheesecake"
    ['A stove top oven.', ['oven'], ['oven', 'oven']], // no three-word phrases
    ["A 'dog' on a bed.", ['dog', 'bed'], ['bed']], // the token is "'dog"
  ])('%s', (caption, ours, reference) => {
    expect(both(caption)).toEqual([ours, reference]);
  });
});

describe('ground truth: instances, or instances + human captions', () => {
  const ID = 39769; // two cats, two remotes, a couch, a bed
  const instances = parseCocoInstances(cocoInstances('coco_val2017_000000039769_instances.json'), table);
  const captionsJson = {
    images: [{ id: ID, file_name: '000000039769.jpg' }],
    annotations: [
      { image_id: ID, caption: 'Two cats sleeping on a pink blanket next to remotes.' },
      { image_id: ID, caption: 'A cat and a laptop on a bed.' },
    ],
  };
  const truth = withCocoCaptions(instances, captionsJson);
  const caption = [{ imageId: ID, caption: 'A cat on a laptop next to a dog.' }];

  it('parses a COCO captions JSON and merges it into the instances', () => {
    expect(parseCocoCaptions(captionsJson).captionsByImageId.get(ID)).toHaveLength(2);
    expect(truth.imageIdByFileName.get('000000039769.jpg')).toBe(ID);
    expect(truth.imageIdByFileName.get('coco_val2017_000000039769.png')).toBe(ID);
    expect(() => parseCocoCaptions({ annotations: [{ image_id: ID }] })).toThrow(CocoAnnotationsError);
    expect(() => parseCocoCaptions({ images: [] })).toThrow(CocoAnnotationsError);
  });

  it('adds what the human captions name, and makes "instances" the default', () => {
    expect([...groundTruthObjects(truth, ID, table)].sort()).toEqual(['bed', 'cat', 'couch', 'remote']);
    expect([...groundTruthObjects(truth, ID, table, { groundTruth: 'instances+captions' })].sort()).toEqual([
      'bed',
      'cat',
      'couch',
      'laptop',
      'remote',
    ]);
    const strict = computeChair(caption, truth, table);
    const lenient = computeChair(caption, truth, table, { groundTruth: 'instances+captions' });
    expect([strict.groundTruth, strict.mode, strict.hallucinatedMentions]).toEqual([
      'instances',
      'default',
      2,
    ]);
    expect([lenient.groundTruth, lenient.hallucinatedMentions]).toEqual(['instances+captions', 1]);
    expect(lenient.sentences[0]!.hallucinated.map((w) => w.word)).toEqual(['dog']);
  });

  it('refuses "instances+captions" without captions', () => {
    expect(() => computeChair(caption, instances, table, { groundTruth: 'instances+captions' })).toThrow(
      /needs the COCO captions JSON/,
    );
  });
});
