/**
 * `npm run bench -- gemm [--threads N] [--rounds 3] [--no-torch]`
 *
 * How fast each runtime multiplies the matrices a real-size training step is made of (bench/lib/gemm-shapes.ts:
 * the cross-attention keys/values, the MLP, the 50,257-wide vocabulary head), one product at a time: onnxruntime-web's
 * WASM EP in headless Chromium (what the studio trains on without WebGPU), onnxruntime-node's CPU EP (native code)
 * and PyTorch on the CPU, all on N threads (default: every core). A WASM training step cannot run faster, relative
 * to PyTorch, than its products do: this bench says how far that is. The three runtimes take turns, --rounds
 * times (a shared machine's load moves between them); prints one JSON object with every round's milliseconds and
 * GFLOP/s per product, and per product the ratio to PyTorch in each round and its median.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { browserOptions, machineInfo, runBenchPage } from './lib/browser-bench.mjs';
import { withSsrModule } from './lib/ssr.mjs';

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      threads: { type: 'string', default: String(os.cpus().length) },
      rounds: { type: 'string', default: '3' },
      'no-torch': { type: 'boolean', default: false },
      ...browserOptions(900),
    },
  });
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new Error('--threads must be a whole number >= 1');
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number >= 1');
  const shapes = await withSsrModule('/bench/lib/gemm-shapes.ts', async (m) => m.STEP_GEMMS);
  const runs = [];
  for (let round = 0; round < rounds; round++) {
    const { result: wasm, browserVersion } = await runBenchPage({
      name: 'gemm',
      query: new URLSearchParams({ threads: String(threads) }).toString(),
      chromium: values.chromium,
      timeoutSeconds: Number(values.timeout),
      progressLabel: `gemm round ${round + 1}`,
    });
    const native = await withSsrModule('/bench/gemm-node.ts', ({ benchGemmNode }) => benchGemmNode(threads));
    const runtimes = [{ ...wasm, browserVersion }, native];
    if (!values['no-torch']) runtimes.push(torch(shapes, threads));
    runs.push({ round: round + 1, loadAverage1m: os.loadavg()[0], runtimes });
  }
  const ratios = ratiosToTorch(runs, shapes);
  return { bench: 'gemm', machine: machineInfo(), threads, rounds, shapes, runs, ratios };
}

/** Per runtime and product: GFLOP/s over PyTorch's in the same round, every round and the median. */
function ratiosToTorch(runs, shapes) {
  const out = {};
  for (const { runtimes } of runs) {
    const base = runtimes.find((r) => r.runtime === 'pytorch cpu' && r.timings);
    if (!base) continue;
    for (const r of runtimes) {
      if (r === base || !r.timings) continue;
      const entry = (out[`${r.runtime} / pytorch cpu`] ??= {});
      for (const t of r.timings) {
        const b = base.timings.find((x) => x.name === t.name);
        (entry[t.name] ??= { rounds: [] }).rounds.push(t.gflops / b.gflops);
      }
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const entry of Object.values(out))
    for (const name of shapes.map((s) => s.name))
      if (entry[name]) entry[name].median = median(entry[name].rounds);
  return out;
}

function torch(shapes, threads) {
  const py = spawnSync(
    'python3',
    [
      'tools/bench_gemm_torch.py',
      '--threads',
      String(threads),
      ...shapes.map((s) => `${s.name}:${s.m}:${s.k}:${s.n}`),
    ],
    { encoding: 'utf8' },
  );
  if (py.status !== 0) return { runtime: 'pytorch cpu', error: (py.stderr ?? '').slice(-500) };
  return JSON.parse(py.stdout);
}
