/** The COCO bench's figures on hand-made evidence: what the evidence names, what the critic flags. */
import { describe, expect, it } from 'vitest';
import type { CocoImage } from '../../bench/lib/coco-folder';
import type { JudgedImage } from '../../bench/lib/coco-figures';
import { criticFigures, evidenceFigures, tradeOffCurve } from '../../bench/lib/coco-figures';
import { CHAIR_SYNONYMS } from '../../src/lib/vocabulary/chair-synonyms';
import { HAND_CALIBRATION } from '../lib/critic/helpers/hand-calibration';
import { detectorEvidence } from '../lib/critic/helpers/detector-evidence';

const CALIBRATION = HAND_CALIBRATION;

function image(present: string[], captions: string[], boxes: CocoImage['boxes'] = []): CocoImage {
  return { id: 1, fileName: 'x.jpg', width: 100, height: 100, present: new Set(present), boxes, captions };
}

describe('evidenceFigures', () => {
  it('counts category recall and precision per image and boxes met at IoU ≥ 0.5', () => {
    // detectorEvidence puts object i at x 20i..20i+40, y 10..60.
    const evidence = detectorEvidence('person', 'kite');
    const im = image(
      ['person', 'cup'],
      [],
      [
        { category: 'person', box: { x1: 0, y1: 10, x2: 40, y2: 60 } },
        { category: 'cup', box: { x1: 80, y1: 80, x2: 90, y2: 90 } },
      ],
    );
    const f = evidenceFigures([{ image: im, evidence }], CHAIR_SYNONYMS.categories);
    expect(f.categoryRecall).toEqual({ hits: 1, cases: 2, rate: 0.5 });
    expect(f.categoryPrecision).toEqual({ hits: 1, cases: 2, rate: 0.5 });
    expect(f.boxRecall).toEqual({ hits: 1, cases: 2, rate: 0.5 });
  });
});

describe('criticFigures', () => {
  // A person, a dog and a cup are there; the evidence shows the person alone.
  const judged: JudgedImage[] = [
    {
      image: image(['person', 'dog', 'cup'], ['A man with a dog and a cup.']),
      evidence: detectorEvidence('person'),
      injected: [
        { kind: 'append', caption: 'A man with a dog next to a cup.', injected: 'cup' },
        { kind: 'swap', caption: 'A man with a cat.', injected: 'cat', replaced: 'dog' },
      ],
    },
  ];

  it('before calibration: every unshown mention is a false alarm or a catch', () => {
    const f = criticFigures(judged, CHAIR_SYNONYMS, { kind: 'uncalibrated' });
    expect(f.falseAlarms).toEqual({ hits: 2, cases: 3, rate: 2 / 3 });
    expect(f.injectedFlagged.swap.rate).toBe(1);
    expect(f.injectedJudgeable).toBeNull();
  });

  it('with calibration: a missed dog is contradicted, a missed cup unverified; unknown categories cannot be judged', () => {
    const f = criticFigures(judged, CHAIR_SYNONYMS, { kind: 'calibrated', table: CALIBRATION });
    expect(f.falseAlarms).toEqual({ hits: 1, cases: 3, rate: 1 / 3 });
    expect(f.injectedFlagged.append).toEqual({ hits: 0, cases: 1, rate: 0 });
    expect(f.injectedFlagged.swap).toEqual({ hits: 0, cases: 1, rate: 0 });
    expect(f.injectedJudgeable).toEqual({ hits: 0, cases: 2, rate: 0 });
    expect(f.unannotatedMentions).toEqual({});
  });
});

describe('tradeOffCurve', () => {
  it('flags more, and errs more, as the threshold falls', () => {
    const judged: JudgedImage[] = [
      {
        image: image(['person', 'dog'], ['A man and his dog.']),
        evidence: detectorEvidence('person'),
        injected: [{ kind: 'append', caption: 'A man and his dog next to a cup.', injected: 'cup' }],
      },
    ];
    const curve = tradeOffCurve(judged, CHAIR_SYNONYMS, CALIBRATION, [0.1, 0.5, 0.95]);
    expect(curve).toEqual([
      { minRecall: 0.1, falseAlarms: 0.5, injectedFlagged: 1 },
      { minRecall: 0.5, falseAlarms: 0.5, injectedFlagged: 0 },
      { minRecall: 0.95, falseAlarms: 0, injectedFlagged: 0 },
    ]);
  });
});
