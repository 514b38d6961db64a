/**
 * `npm run calibrate -- --data DIR [--data DIR2 ...] [--limit N] [--out FILE]`
 *
 * Measures how far the critic's evidence can be trusted per category (src/lib/critic/calibration.ts) on COCO
 * folders with ground truth (images/ + instances.json, e.g. the coco-train-* folders of the shared data): how often the
 * evidence names a category that is there, and how often a salient object it reports is really there. The
 * committed table src/lib/critic/evidence-calibration.json comes from this command (its `measuredOn` says on
 * what). Prints the table as JSON; --out writes it.
 */
import { parseArgs } from 'node:util';
import { withSsrModule } from '../bench/lib/ssr.mjs';

const { values } = parseArgs({
  options: {
    data: { type: 'string', multiple: true },
    out: { type: 'string' },
    limit: { type: 'string', default: '0' },
  },
});
if (!values.data?.length) {
  console.error('npm run calibrate -- --data DIR [--data DIR2 ...] [--limit N] [--out FILE]');
  process.exit(2);
}
const result = await withSsrModule('/scripts/calibrate-node.ts', ({ main }) =>
  main({ data: values.data, out: values.out, limit: Number(values.limit) }),
);
console.log(JSON.stringify(result, null, 2));
