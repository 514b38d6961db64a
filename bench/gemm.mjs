/**
 * `npm run bench -- gemm [--threads N] [--no-torch]`
 *
 * How fast each runtime multiplies the matrices a real-size training step is made of (bench/lib/gemm-shapes.ts:
 * the cross-attention keys/values, the MLP, the 50,257-wide vocabulary head), one product at a time: onnxruntime-web's
 * WASM EP in headless Chromium (what the studio trains on without WebGPU), onnxruntime-node's CPU EP (native code)
 * and PyTorch on the CPU, all on N threads (default: every core). A WASM training step cannot run faster, relative
 * to PyTorch, than its products do: this bench says how far that is. Prints one JSON object with each runtime's
 * milliseconds and GFLOP/s per product and the ratios to PyTorch.
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
      'no-torch': { type: 'boolean', default: false },
      ...browserOptions(900),
    },
  });
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new Error('--threads must be a whole number >= 1');
  const { result: wasm, browserVersion } = await runBenchPage({
    name: 'gemm',
    query: new URLSearchParams({ threads: String(threads) }).toString(),
    chromium: values.chromium,
    timeoutSeconds: Number(values.timeout),
    progressLabel: 'gemm',
  });
  const { native, shapes } = await withSsrModule('/bench/gemm-node.ts', async ({ benchGemmNode }, load) => ({
    native: await benchGemmNode(threads),
    shapes: (await load('/bench/lib/gemm-shapes.ts')).STEP_GEMMS,
  }));
  const runtimes = [{ ...wasm, browserVersion }, native];
  if (!values['no-torch']) runtimes.push(torch(shapes, threads));
  const base = runtimes.find((r) => r.runtime === 'pytorch cpu' && r.timings);
  const ratios = {};
  if (base)
    for (const r of runtimes)
      if (r !== base && r.timings)
        ratios[`${r.runtime} / pytorch cpu`] = Object.fromEntries(
          r.timings.map((t) => [t.name, t.gflops / base.timings.find((b) => b.name === t.name).gflops]),
        );
  return { bench: 'gemm', machine: machineInfo(), threads, shapes, runtimes, ratios };
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
