/** The COCO bench's result as markdown tables (docs/measurements.md takes them as they are). */
import type { CocoBenchResult, ZoomReport } from '../coco-node';
import { zoomLabel } from '../coco-node';
import type { Rate } from './coco-figures';

const pct = (r: number | null | undefined): string => (r === null || r === undefined ? '–' : r.toFixed(2));
const ofRate = (r: Rate | null): string => (r === null ? '–' : `${pct(r.rate)} (${r.hits}/${r.cases})`);

function verdicts(counts: Readonly<Record<string, number>>): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total === 0) return '–';
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${(n / total).toFixed(2)}`)
    .join(', ');
}

function mainTable(zooms: readonly ZoomReport[], split: 'all' | 'simple' | 'complex'): string {
  const head = `| figure (${split} images) | ${zooms.map(zoomLabel).join(' | ')} |`;
  const rule = `|---|${zooms.map(() => '---').join('|')}|`;
  const row = (name: string, cell: (z: ZoomReport) => string) =>
    `| ${name} | ${zooms.map(cell).join(' | ')} |`;
  const both = (pick: (c: ZoomReport['critic']['calibrated']['all']) => string) => (z: ZoomReport) =>
    `${pick(z.critic.uncalibrated[split])} → **${pick(z.critic.calibrated[split])}**`;
  return [
    head,
    rule,
    row('evidence category recall (image level)', (z) => ofRate(z.evidence[split].categoryRecall)),
    row('evidence category precision', (z) => ofRate(z.evidence[split].categoryPrecision)),
    row('evidence box recall at IoU ≥ 0.5', (z) => ofRate(z.evidence[split].boxRecall)),
    row(
      'true objects in human captions called hallucinated',
      both((c) => pct(c.falseAlarms.rate)),
    ),
    row(
      'an absent object appended to a human caption, flagged',
      both((c) => pct(c.injectedFlagged.append.rate)),
    ),
    row(
      'a mentioned object swapped for an absent one, flagged',
      both((c) => pct(c.injectedFlagged.swap.rate)),
    ),
    row('injected objects the calibration can judge (recall ≥ threshold)', (z) =>
      ofRate(z.critic.calibrated[split].injectedJudgeable),
    ),
    row('… of those, flagged', (z) => ofRate(z.critic.calibrated[split].injectedFlaggedWhenJudgeable)),
    row(
      'objects the critic says were omitted that are really there',
      both((c) => pct(c.omissionsPresent.rate)),
    ),
    row('mentions COCO does not annotate, by verdict (calibrated)', (z) =>
      verdicts(z.critic.calibrated[split].unannotatedMentions),
    ),
  ].join('\n');
}

export function cocoMarkdown(r: CocoBenchResult): string {
  const z = r.zooms;
  const header = (first: string) => [
    `| ${first} | ${z.map(zoomLabel).join(' | ')} |`,
    `|---|${z.map(() => '---').join('|')}|`,
  ];
  const rewriteRow = (name: string, pick: (x: ZoomReport['rewrite']['calibrated']) => string) =>
    `| ${name} | ${z.map((c) => `${pick(c.rewrite.uncalibrated)} / **${pick(c.rewrite.calibrated)}**`).join(' | ')} |`;
  const t = r.calibration.thresholds;
  return [
    `${r.data}: ${r.images.all} images (${r.images.simple} simple, ${r.images.complex} complex), ${r.captions} human captions, ${r.injected} injected captions (seed ${r.seed}). Evidence: ${r.evidenceSource}. Ground truth: ${r.groundTruth}. Calibration: ${r.calibration.source}; contradicted at recall ≥ ${t.minRecall}, omissions at precision ≥ ${t.minPrecision}, categories seen in ≥ ${t.minImages} images. Critic cells: before issue 17 (every unsupported mention hallucinated) → **with calibrated verdicts**.`,
    '',
    ...(['all', 'simple', 'complex'] as const).flatMap((s) => [mainTable(z, s), '']),
    'Rewrite of the injected captions (template engine, refine loop); cells: before issue 17 / **calibrated verdicts**:',
    '',
    ...header('figure'),
    rewriteRow('CHAIR-i before → after', (x) => `${pct(x.chairIBefore)} → ${pct(x.chairIAfter)}`),
    rewriteRow('CHAIR-s before → after', (x) => `${pct(x.chairSBefore)} → ${pct(x.chairSAfter)}`),
    rewriteRow(
      'annotated objects named, before → after',
      (x) => `${pct(x.recallBefore.rate)} → ${pct(x.recallAfter.rate)}`,
    ),
    rewriteRow('captions rewritten', (x) => pct(x.rewritten.rate)),
    rewriteRow('words changed per caption', (x) => x.wordsChangedPerCaption.toFixed(1)),
    '',
    "Trade-off over the verdict threshold: a mention the evidence does not show is contradicted when its category's calibrated recall is at least the threshold. Cells: true objects called hallucinated / injected objects flagged.",
    '',
    ...header('threshold'),
    ...z[0]!.tradeOff.map(
      (p, i) =>
        `| ${p.minRecall.toFixed(2)}${p.minRecall === t.minRecall ? ' (default)' : ''} | ${z.map((c) => `${pct(c.tradeOff[i]!.falseAlarms)} / ${pct(c.tradeOff[i]!.injectedFlagged)}`).join(' | ')} |`,
    ),
    '',
    ...header('speed (this machine, onnxruntime-node CPU)'),
    `| ms per image | ${z.map((c) => c.timing.msPerImage.toFixed(0)).join(' | ')} |`,
    `| crops per image | ${z.map((c) => c.timing.cropsPerImage.toFixed(1)).join(' | ')} |`,
    `| ms per crop | ${z.map((c) => c.timing.msPerCrop.toFixed(1)).join(' | ')} |`,
    '',
    ...z.map((c) => `- ${zoomLabel(c)}: calibration ${c.calibrationMeasuredOn}`),
    '',
  ].join('\n');
}
