import { describe, expect, it } from 'vitest';
import type { EvidenceCalibration } from '../../../src/lib/critic/calibration';
import {
  calibrateFindings,
  isBackedChange,
  isConfirmedOmission,
  measureCalibration,
  mentionVerdict,
  objectChange,
  wilsonLowerBound,
} from '../../../src/lib/critic/calibration';
import { CHAIR_SYNONYMS } from '../../../src/lib/vocabulary/chair-synonyms';
import { COMMITTED_CALIBRATION, readCalibration } from '../../../src/lib/critic/evidence-calibration';
import { checkCaption } from '../../../src/lib/critic/rules';
import { detectorEvidence as evidence } from './helpers/detector-evidence';

const repeat = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);

/**
 * A detector that sees every person (and invents none), sees a cup one time in four, and reports a cake on
 * half the scenes that hold none.
 */
const CALIBRATION: EvidenceCalibration = measureCalibration(
  [
    ...repeat(30, () => ({ present: new Set(['person']), evidence: evidence('person') })),
    ...repeat(5, () => ({ present: new Set(['cup']), evidence: evidence('cup') })),
    ...repeat(15, () => ({ present: new Set(['cup']), evidence: evidence() })),
    ...repeat(12, () => ({ present: new Set<string>(), evidence: evidence('cake') })),
    ...repeat(12, () => ({ present: new Set<string>(), evidence: evidence() })),
  ],
  'hand-made',
);

describe('measureCalibration', () => {
  it('counts per category how often present objects are named and how often salient objects are right', () => {
    expect(CALIBRATION.images).toBe(74);
    expect(CALIBRATION.categories).toEqual({
      person: { present: 30, named: 30, salient: 30, salientRight: 30 },
      cup: { present: 20, named: 5, salient: 5, salientRight: 5 },
      cake: { present: 0, named: 0, salient: 12, salientRight: 0 },
    });
  });
});

describe('verdicts', () => {
  it('a mention the evidence shows is confirmed; a miss is contradicted only where the evidence rarely misses', () => {
    expect(mentionVerdict('person', evidence('person'), CALIBRATION)).toBe('confirmed');
    expect(mentionVerdict('person', evidence(), CALIBRATION)).toBe('contradicted');
    expect(mentionVerdict('cup', evidence(), CALIBRATION)).toBe('unverified'); // recall 0.25
    expect(mentionVerdict('dog', evidence(), CALIBRATION)).toBe('unverified'); // never measured
  });

  it('an omission is confirmed only for a category whose salient objects are usually there', () => {
    expect(isConfirmedOmission('person', evidence('person'), CALIBRATION)).toBe(true);
    expect(isConfirmedOmission('cake', evidence('cake'), CALIBRATION)).toBe(false); // precision 0
    expect(isConfirmedOmission('person', evidence(), CALIBRATION)).toBe(false); // nothing to add
  });

  it('too few observations say nothing: the cup right 5 times of 5 is not trusted, even with minImages 5', () => {
    expect(isConfirmedOmission('cup', evidence('cup'), CALIBRATION)).toBe(false);
    // 5 of 5 right: the 95 % lower bound is 0.65, short of 0.9.
    expect(isConfirmedOmission('cup', evidence('cup'), CALIBRATION, { ...THRESHOLDS, minImages: 5 })).toBe(
      false,
    );
    expect(
      isConfirmedOmission('cup', evidence('cup'), CALIBRATION, { ...THRESHOLDS, minPrecision: 0.6 }),
    ).toBe(
      false, // still fewer than minImages
    );
    expect(
      isConfirmedOmission('cup', evidence('cup'), CALIBRATION, {
        minRecall: 0.8,
        minPrecision: 0.6,
        minImages: 5,
      }),
    ).toBe(true);
  });

  it('adds only objects that cover at least a tenth of the image', () => {
    const small = evidence('person');
    const tiny = {
      ...small,
      objects: small.objects.map((o) => ({ ...o, box: { x1: 0, y1: 0, x2: 20, y2: 40 } })),
    };
    expect(isConfirmedOmission('person', small, CALIBRATION)).toBe(true); // 40 × 50 of 100 × 100
    expect(isConfirmedOmission('person', tiny, CALIBRATION)).toBe(false); // 20 × 40: 8 %
  });
});

describe('wilsonLowerBound', () => {
  it('is the lower end of the one-sided 95 % Wilson interval', () => {
    expect(wilsonLowerBound(20, 20)).toBeCloseTo(0.881, 3);
    expect(wilsonLowerBound(13, 16)).toBeCloseTo(0.612, 3);
    expect(wilsonLowerBound(0, 10)).toBe(0);
    expect(wilsonLowerBound(0, 0)).toBe(0);
  });
});

const THRESHOLDS = { minRecall: 0.8, minPrecision: 0.9, minImages: 10 };

describe('calibrateFindings', () => {
  it('keeps the hallucinations that are contradicted and the omissions that are confirmed, nothing else', () => {
    const e = evidence('cake', 'person');
    const raw = checkCaption('A cup on a table.', e, CHAIR_SYNONYMS);
    expect(raw.hallucinations.map((h) => h.object).sort()).toEqual(['cup', 'dining table']);
    expect(raw.omissions.map((o) => o.object).sort()).toEqual(['cake', 'person']);
    const calibrated = calibrateFindings(raw, e, CALIBRATION);
    expect(calibrated.hallucinations).toEqual([]); // a missed cup or table is no proof
    expect(calibrated.omissions.map((o) => o.object)).toEqual(['person']);

    const person = calibrateFindings(
      checkCaption('A person.', evidence(), CHAIR_SYNONYMS),
      evidence(),
      CALIBRATION,
    );
    expect(person.hallucinations.map((h) => h.object)).toEqual(['person']);
  });
});

describe('isBackedChange', () => {
  const e = evidence('person');
  it('backs removing a contradicted object and adding a confirmed one', () => {
    expect(isBackedChange(objectChange(new Set(['dog']), new Set(['person'])), e, CALIBRATION)).toBe(false);
    expect(isBackedChange(objectChange(new Set(['cup']), new Set(['cup', 'person'])), e, CALIBRATION)).toBe(
      true,
    );
    expect(
      isBackedChange(objectChange(new Set(['person', 'cup']), new Set(['cup'])), evidence(), CALIBRATION),
    ).toBe(true);
  });

  it('does not back removing an unverified object or adding an unreliable one', () => {
    expect(isBackedChange(objectChange(new Set(['cup']), new Set<string>()), evidence(), CALIBRATION)).toBe(
      false,
    );
    expect(
      isBackedChange(objectChange(new Set<string>(), new Set(['cake'])), evidence('cake'), CALIBRATION),
    ).toBe(false);
  });
});

describe('the committed calibration (npm run calibrate on COCO train photos)', () => {
  it('is read through its validator and holds what the verdicts need', () => {
    expect(COMMITTED_CALIBRATION.images).toBeGreaterThan(300);
    expect(COMMITTED_CALIBRATION.measuredOn).toMatch(/coco-train/);
    // FastestDet finds nearly every person and almost no spoon: only the first can be contradicted.
    expect(mentionVerdict('person', evidence(), COMMITTED_CALIBRATION)).toBe('contradicted');
    expect(mentionVerdict('spoon', evidence(), COMMITTED_CALIBRATION)).toBe('unverified');
  });

  it('refuses a table of the wrong shape, or one counting more hits than cases', () => {
    expect(() => readCalibration({ images: 1, categories: {} })).toThrow(/measuredOn/);
    expect(() =>
      readCalibration({
        measuredOn: 'x',
        images: 1,
        categories: { cat: { present: 1, named: 1, salient: 1 } },
      }),
    ).toThrow(/'cat' is not four counts/);
    expect(() =>
      readCalibration({
        measuredOn: 'x',
        images: 1,
        categories: { cat: { present: 1, named: 2, salient: 0, salientRight: 0 } },
      }),
    ).toThrow(/more hits than cases/);
  });
});
