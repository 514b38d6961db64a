import { describe, expect, it } from 'vitest';
import { findingLines } from '../../../src/app/critic/finding-lines';
import { calibrateFindings, measureCalibration } from '../../../src/lib/critic/calibration';
import { CHAIR_SYNONYMS } from '../../../src/lib/critic/chair-synonyms';
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
  it('with calibrated verdicts: a contradicted person is not in the image, an unverified cup is left as written', () => {
    expect(findingLines(critique('A person and a dog with a cup.', true))).toEqual([
      {
        kind: 'hallucination',
        text:
          'Not in the image: "A person" (person). No detector box, Florence-2 object, region description or ' +
          'detailed caption shows a person. The detector finds 100 % of them when they are there.',
      },
      {
        kind: 'unverified',
        text: 'Unverified: "a cup" (cup). No evidence shows it, but the detector finds only 25 % of them: left as written.',
      },
    ]);
  });

  it('without them every missed object is a hallucination, and nothing is unverified', () => {
    const lines = findingLines(critique('A person and a dog with a cup.', false));
    expect(lines.map((l) => l.kind)).toEqual(['hallucination', 'hallucination']);
    expect(lines.map((l) => l.text)).toEqual([
      expect.stringContaining('"A person"'),
      expect.stringContaining('"a cup"'),
    ]);
  });

  it('an object never measured is unverified, with that reason', () => {
    const lines = findingLines(critique('A dog and a giraffe.', true));
    expect(lines).toEqual([
      {
        kind: 'unverified',
        text:
          'Unverified: "a giraffe" (giraffe). No evidence shows it, but the detector has too few measurements ' +
          'of this kind of object to tell: left as written.',
      },
    ]);
  });
});
