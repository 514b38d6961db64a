/**
 * `npm run bench -- proving-ground --data DIR [--rounds R] [--seeds 0,1,2] [--pool N] [--calibrate N] [--test N]
 *   [--arms none,self,critic,oracle,critic-all,preference] [--beta B] [--alpha A] [--model ID|FOLDER] [--lr X] [--epochs N]
 *   [--trainable lora|last-K|full]`
 *
 * Issue 13's proving ground: does the critic's feedback train hallucinations out? For each seed and arm, round by
 * round, the studio's own path in Node: caption a pool of DIR's `train` scenes (never a test split) → evidence
 * (the real FastestDet, default zoom levels) → the template critic's refine loop → the training set the studio
 * would build → gradient steps with the studio's trainer graphs (the seed settings unless overridden: RAdam
 * 5e-5, 3 epochs, LoRA r8) → re-caption the first N scenes of the simple, complex, bias and control splits.
 * Reports per split CHAIR-i, CHAIR-s, recall, count accuracy, fluency, and how often the bias pair's B is
 * named, per arm and round; (f) `preference` trains with DPO (temperature --beta, default 0.1; plus --alpha
 * times the rewrites' cross-entropy, default 1) on the (student caption, backed rewrite) pairs that (c) accepts; plus the critic's own precision and recall on the pool. The (c) arm judges with
 * calibrated verdicts: the studio's committed table (its setting), or with --calibrate N one measured on the last
 * N train scenes (kept out of every pool). DIR: a scenes root
 * (`npm run scenes`). Prints one JSON object (progress on stderr); measures, asserts nothing.
 * See bench/proving-ground-node.ts and bench/lib/proving-arms.ts.
 */
import { parseArgs } from 'node:util';
import { withSsrModule } from './lib/ssr.mjs';

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      rounds: { type: 'string', default: '2' },
      seeds: { type: 'string', default: '0,1,2' },
      pool: { type: 'string', default: '128' },
      calibrate: { type: 'string', default: '0' },
      test: { type: 'string', default: '60' },
      arms: { type: 'string', default: 'none,self,critic,oracle,critic-all,preference' },
      beta: { type: 'string', default: '0.1' },
      alpha: { type: 'string', default: '1' },
      model: { type: 'string' },
      lr: { type: 'string' },
      epochs: { type: 'string' },
      trainable: { type: 'string' },
    },
  });
  if (!values.data) throw new Error('--data DIR is required: a scenes root (npm run scenes)');
  const int = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}`);
    return n;
  };
  const seeds = values.seeds.split(',').map(Number);
  if (seeds.some((s) => !Number.isInteger(s))) throw new Error('--seeds: whole numbers, comma-separated');
  return withSsrModule('/bench/proving-ground-node.ts', async (bench, load) => {
    const { ARMS } = await load('/bench/lib/proving-arms.ts');
    const arms = values.arms.split(',');
    const unknown = arms.filter((a) => !ARMS.includes(a));
    if (unknown.length > 0)
      throw new Error(`--arms: unknown ${unknown.join(', ')} (known: ${ARMS.join(', ')})`);
    const { SCENES_STUDENT_ID } = await load('/src/state/slices/settings.ts');
    const tuning = {};
    if (values.lr !== undefined) tuning.lr = Number(values.lr);
    if (values.epochs !== undefined) tuning.epochs = int('epochs', 1);
    if (values.trainable === 'full') tuning.trainable = { kind: 'full' };
    else if (values.trainable?.startsWith('last-'))
      tuning.trainable = { kind: 'last-blocks', blocks: Number(values.trainable.slice('last-'.length)) };
    else if (values.trainable !== undefined && values.trainable !== 'lora')
      throw new Error(`--trainable: lora, last-K or full, got '${values.trainable}'`);
    return bench.benchProvingGround({
      data: values.data,
      model: values.model ?? SCENES_STUDENT_ID,
      rounds: int('rounds', 1),
      seeds,
      pool: int('pool', 1),
      calibrate: int('calibrate', 0),
      test: int('test', 1),
      arms,
      tuning,
      preference: { beta: Number(values.beta), chosenWeight: Number(values.alpha) },
    });
  });
}
