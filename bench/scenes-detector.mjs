/**
 * `npm run bench -- scenes-detector --data OUTDIR [--limit N] [--only single|empty]`
 * `npm run bench -- scenes-detector --data SCENES --splits simple,bias,control [--limit N]`
 *
 * How well the studio's default evidence (the real FastestDet at public/models/fastestdet on every crop of zoom
 * levels 1, 2, 3, merged and labelled as the critic reads it: detectAcrossCrops + buildEvidence) sees composed
 * scenes: recall per category and size bin on OUTDIR/single (one cut-out per scene), the other categories it
 * reports there, and false objects per scene on OUTDIR/empty (backgrounds alone). Make OUTDIR with
 * `npm run scenes -- ... --probe N`. With --splits, a data set's own splits instead: recall of the annotated
 * categories, absent categories named, and how often an absent bias B is named on bias/control scenes.
 * onnxruntime-node, CPU. Prints one JSON object; measures, asserts nothing.
 */
import { parseArgs } from 'node:util';
import { withSsrModule } from './lib/ssr.mjs';

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      limit: { type: 'string', default: '0' },
      only: { type: 'string', default: '' },
      splits: { type: 'string', default: '' },
    },
  });
  if (!values.data)
    throw new Error('--data OUTDIR is required (a folder written by npm run scenes -- --probe N).');
  return withSsrModule('/bench/scenes-detector-node.ts', ({ measureScenes, measureSplits }) =>
    values.splits
      ? measureSplits(values.data, values.splits.split(','), Number(values.limit))
      : measureScenes(values.data, Number(values.limit), values.only),
  );
}
