import { describe, expect, it } from 'vitest';
import { findingLines, mentionLines } from '../../../src/app/critic/finding-lines';
import { calibrateFindings, measureCalibration } from '../../../src/lib/critic/calibration';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';
import type { Critique } from '../../../src/lib/critic/critique';
import { checkCaption } from '../../../src/lib/critic/rules';
import { detectorEvidence } from '../../lib/critic/helpers/detector-evidence';

/** Persons are always found; cups one time in four. */
const CALIBRATION = measureCalibration(
  [
    ...Array.from({ length: 20 }, () => ({
      present: new Set(['person']),
      evidence: detectorEvidence('person'),
    })),
    ...Array.from({ length: 4 }, () => ({ present: new Set(['cup']), evidence: detectorEvidence('cup') })),
    ...Array.from({ length: 12 }, () => ({ present: new Set(['cup']), evidence: detectorEvidence() })),
  ],
  'hand-made',
);

const critique = (caption: string, calibrated: boolean): Critique => {
  const e = detectorEvidence('dog');
  const raw = checkCaption(caption, e, CHAIR_SYNONYMS);
  const f = calibrated ? calibrateFindings(raw, e, CALIBRATION) : raw;
  return {
    ...f,
    caption,
    score: 0.5,
    clean: false,
    engine: 'rules',
    prompt: { id: 'x', version: 1, text: '' },
  };
};

describe('findingLines', () => {
  it('with calibrated verdicts: a contradicted person is not in the image; the unverified cup is no finding', () => {
    expect(findingLines(critique('A person and a dog with a cup.', true))).toEqual([
      {
        kind: 'hallucination',
        text:
          'Not in the image: "A person" (person). No detector box, Florence-2 object, region description or ' +
          'detailed caption shows a person. The detector finds 100 % of them when they are there.',
      },
    ]);
  });

  it('without them every missed object is a hallucination', () => {
    const lines = findingLines(critique('A person and a dog with a cup.', false));
    expect(lines.map((l) => l.kind)).toEqual(['hallucination', 'hallucination']);
    expect(lines.map((l) => l.text)).toEqual([
      expect.stringContaining('"A person"'),
      expect.stringContaining('"a cup"'),
    ]);
  });
});

describe('mentionLines', () => {
  it('with calibrated verdicts: one line per mention, its verdict and the evidence behind it', () => {
    const e = detectorEvidence('dog');
    expect(mentionLines(critique('A person and a dog with a cup.', true), e)).toEqual([
      {
        object: 'person',
        text: 'A person',
        verdict: 'contradicted',
        label: 'Contradicted',
        evidence: 'No evidence; the detector finds 100 % of them when they are there.',
      },
      {
        object: 'dog',
        text: 'a dog',
        verdict: 'confirmed',
        label: 'Confirmed',
        evidence: 'Shown by the detector (1 object, best box 80 %, zoom level 1).',
      },
      {
        object: 'cup',
        text: 'a cup',
        verdict: 'unverified',
        label: 'Unverified',
        evidence:
          'No evidence, but the detector finds only 25 % of them when they are there: left as written.',
      },
    ]);
  });

  it('an object never measured is unverified, with that reason', () => {
    const [, giraffe] = mentionLines(critique('A dog and a giraffe.', true), detectorEvidence('dog'));
    expect(giraffe).toMatchObject({
      verdict: 'unverified',
      evidence:
        'No evidence, but the detector has too few measurements of this kind of object to tell: left as written.',
    });
  });

  it('names every source that shows an object, with the best box and the zoom levels of the detector', () => {
    const base = detectorEvidence('dog', 'dog');
    const e = {
      ...base,
      objects: base.objects.map((o, i) => ({
        ...o,
        score: i === 0 ? 0.55 : 0.91,
        zoomLevels: i === 0 ? [2, 3] : [1],
      })),
      regions: [
        { text: 'a brown dog', box: base.objects[0]!.box, cropId: 'z2', zoom: 2, categories: ['dog'] },
      ],
    };
    const [dog] = mentionLines(critique('Two dogs.', true), e);
    expect(dog!.evidence).toBe(
      'Shown by the detector (2 objects, best box 91 %, zoom levels 1, 2, 3) and a Florence-2 region description.',
    );
    // The raw boxes before merging, where there are any: the best one counts, Florence-2's do not.
    const box = (score: number, source: string) => ({
      label: 'dog',
      box: base.objects[0]!.box,
      score,
      zoom: 2,
      cropId: 'z2-r0-c0',
      source,
      cut: false,
    });
    const [raw] = mentionLines(critique('Two dogs.', true), {
      ...e,
      detections: [box(0.93, 'fastestdet'), box(0.7, 'fastestdet'), box(0.99, 'florence-od')],
    });
    expect(raw!.evidence).toContain('(2 objects, best box 93 %, zoom levels 1, 2, 3)');
  });

  it('without calibration: grounded or not grounded, as the rules see it', () => {
    const lines = mentionLines(critique('A dog with a cup.', false), detectorEvidence('dog'));
    expect(lines.map((l) => [l.object, l.verdict, l.label])).toEqual([
      ['dog', 'grounded', 'Grounded'],
      ['cup', 'not-grounded', 'Not grounded'],
    ]);
    expect(lines[1]!.evidence).toBe(
      'No detector box, Florence-2 object, region description or detailed caption shows it.',
    );
  });
});
