/**
 * `npm run bench -- coco --data DIR [--zooms 1/1,2/1,2,3/1,2,3c] [--seed S] [--limit N] [--calibration FILE | --calibrate-on DIR …]
 *   [--florence ID] [--engine template|openai --base-url URL --model NAME] [--md FILE]`
 *
 * Issue 17's COCO evaluation of the critic, on any folder in standard COCO layout (images/, instances.json,
 * captions.json; `npm run data:coco` fetches one): per zoom configuration, and split into simple (≤ 2 annotated
 * categories) and complex (≥ 4) images, the evidence's category recall and precision and box recall; the critic's
 * false alarms on the human captions, its verdicts on unannotated mentions, injected hallucinations flagged,
 * omission suggestions really there; the rewrite's CHAIR and recall before and after; timings. Both the critic
 * before issue 17 (every unsupported mention hallucinated) and with calibrated verdicts (the committed table, or
 * --calibration FILE from `npm run calibrate`, or with --calibrate-on DIR (repeatable: COCO train folders) one measured
 * per configuration, so that each is judged by a table of its own evidence). --florence ID adds Florence-2's
 * evidence (all four tasks; the model from public/models/ID, `npm run models:fetch`); --engine openai --base-url URL
 * --model NAME rewrites with an OpenAI-compatible endpoint (key from OPENAI_API_KEY) instead of the template engine.
 * Prints JSON; --md writes the markdown tables. Measures, asserts
 * nothing. See bench/coco-node.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { withSsrModule } from './lib/ssr.mjs';

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      zooms: { type: 'string', default: '1/1,2/1,2,3/1,2,3c' },
      seed: { type: 'string', default: '0' },
      limit: { type: 'string', default: '0' },
      calibration: { type: 'string' },
      'calibrate-on': { type: 'string', multiple: true, default: [] },
      md: { type: 'string' },
      florence: { type: 'string' },
      engine: { type: 'string', default: 'template' },
      'base-url': { type: 'string' },
      model: { type: 'string' },
    },
  });
  if (!values.data)
    throw new Error('--data DIR is required: a folder with images/, instances.json, captions.json');
  // Configurations separated by '/', grid sizes by ','; a trailing 'c': zoomed boxes need a witness.
  const zooms = values.zooms.split('/').map((z) => ({
    grids: z.replace(/c$/, '').split(',').map(Number),
    corroborated: z.endsWith('c'),
  }));
  if (zooms.some(({ grids }) => grids.some((n) => !Number.isInteger(n) || n < 1)))
    throw new Error(`--zooms: grid sizes per configuration, e.g. 1/1,2/1,2,3/1,2,3c; got '${values.zooms}'`);
  const seed = Number(values.seed);
  const limit = Number(values.limit);
  if (!Number.isInteger(seed) || !Number.isInteger(limit) || limit < 0)
    throw new Error('--seed and --limit: whole numbers (limit ≥ 0)');
  if (values.engine !== 'template' && values.engine !== 'openai')
    throw new Error(`--engine: template or openai, got '${values.engine}'`);
  if (values.engine === 'openai' && (!values['base-url'] || !values.model))
    throw new Error(
      '--engine openai needs --base-url URL and --model NAME (the key, if any, from OPENAI_API_KEY)',
    );
  return withSsrModule('/bench/coco-node.ts', async (bench, load) => {
    let engine;
    if (values.engine === 'openai') {
      const { OpenAIEngine } = await load('/src/lib/critic/engines/openai.ts');
      // The key comes from the environment and goes to the endpoint only; it is never printed or written.
      engine = new OpenAIEngine({
        baseUrl: values['base-url'],
        model: values.model,
        apiKey: process.env.OPENAI_API_KEY ?? '',
      });
    }
    const { COMMITTED_CALIBRATION, readCalibration } = await load('/src/lib/critic/evidence-calibration.ts');
    const calibration = values.calibration
      ? readCalibration(JSON.parse(readFileSync(values.calibration, 'utf8')))
      : COMMITTED_CALIBRATION;
    const result = await bench.benchCoco({
      data: values.data,
      zooms,
      seed,
      limit,
      calibration,
      calibrationSource: values.calibration ?? 'src/lib/critic/evidence-calibration.json (committed)',
      calibrateOn: values['calibrate-on'],
      ...(values.florence ? { florence: values.florence } : {}),
      ...(engine ? { engine } : {}),
    });
    if (values.md) {
      const { cocoMarkdown } = await load('/bench/lib/coco-report.ts');
      writeFileSync(values.md, cocoMarkdown(result));
    }
    return result;
  });
}
