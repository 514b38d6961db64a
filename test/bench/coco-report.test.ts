/** The COCO bench's markdown: every configuration a column, before → calibrated in the critic's cells. */
import { describe, expect, it } from 'vitest';
import type { CocoBenchResult, ZoomReport } from '../../bench/coco-node';
import type { CriticFigures, EvidenceFigures } from '../../bench/lib/coco-figures';
import { rate } from '../../bench/lib/coco-figures';
import { cocoMarkdown } from '../../bench/lib/coco-report';
import { DEFAULT_VERDICT_THRESHOLDS } from '../../src/lib/critic/calibration';

const evidence: EvidenceFigures = {
  images: 2,
  categoryRecall: rate(3, 4),
  categoryPrecision: rate(3, 5),
  boxRecall: rate(1, 4),
};
const critic = (falseAlarms: number): CriticFigures => ({
  captions: 10,
  falseAlarms: rate(falseAlarms, 20),
  unannotatedMentions: { unverified: 3, contradicted: 1 },
  omissionsPresent: rate(1, 2),
  injectedFlagged: { append: rate(5, 10), swap: rate(4, 10), both: rate(9, 20) },
  injectedJudgeable: falseAlarms === 0 ? rate(2, 20) : null,
  injectedFlaggedWhenJudgeable: falseAlarms === 0 ? rate(2, 2) : null,
});
const perSplit = <T>(v: T) => ({ all: v, simple: v, complex: v });
const rewrite = {
  captions: 20,
  chairIBefore: 0.5,
  chairIAfter: 0.25,
  chairSBefore: 1,
  chairSAfter: 0.5,
  recallBefore: rate(3, 10),
  recallAfter: rate(4, 10),
  wordsChangedPerCaption: 2.5,
  rewritten: rate(10, 20),
};
const zoom = (grids: number[], corroborated: boolean): ZoomReport => ({
  grids,
  corroborated,
  calibrationMeasuredOn: 'hand-made',
  timing: { msPerImage: 12, cropsPerImage: 5, msPerCrop: 2.4 },
  evidence: perSplit(evidence),
  critic: { uncalibrated: perSplit(critic(8)), calibrated: perSplit(critic(0)) },
  tradeOff: [{ minRecall: 0.8, falseAlarms: 0, injectedFlagged: 0.1 }],
  rewrite: { uncalibrated: rewrite, calibrated: rewrite },
});

describe('cocoMarkdown', () => {
  it('writes a column per configuration and before → calibrated critic cells', () => {
    const result = {
      bench: 'coco',
      data: 'coco-x',
      images: { all: 2, simple: 1, complex: 1 },
      captions: 10,
      injected: 20,
      seed: 0,
      evidenceSource: 'the detector',
      rewriteEngine: 'template@1',
      groundTruth: 'instances',
      calibration: { source: 'hand-made', thresholds: DEFAULT_VERDICT_THRESHOLDS },
      zooms: [zoom([1], false), zoom([1, 2, 3], true)],
    } as CocoBenchResult;
    const md = cocoMarkdown(result);
    expect(md).toContain(
      '| figure (all images) | whole image | whole image + 2×2 + 3×3, zoomed boxes corroborated |',
    );
    expect(md).toContain('| evidence category recall (image level) | 0.75 (3/4) | 0.75 (3/4) |');
    expect(md).toContain(
      '| true objects in human captions called hallucinated | 0.40 → **0.00** | 0.40 → **0.00** |',
    );
    expect(md).toContain('| … of those, flagged | 1.00 (2/2) | 1.00 (2/2) |');
    expect(md).toContain('| 0.80 (default) | 0.00 / 0.10 | 0.00 / 0.10 |');
    expect(md).toContain('| CHAIR-i before → after | 0.50 → 0.25 / **0.50 → 0.25** |');
  });
});
