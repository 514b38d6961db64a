/**
 * `npm run bench -- graph-capture [--runs 4]`
 *
 * Whether ONNX Runtime Web's graph capture replays one of our training graphs (bench/graph-capture-page.ts: the
 * gpt2-a fixture's full-decoder graph in headless Chromium, WebGPU EP, every input and output a GPU buffer). Prints
 * one JSON object: per run its milliseconds, loss and largest difference from the uncaptured run, or the error.
 */
import { parseArgs } from 'node:util';
import { browserOptions, machineInfo, runBenchPage } from './lib/browser-bench.mjs';

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: { runs: { type: 'string', default: '4' }, ...browserOptions(600) },
  });
  const { result, browser } = await runBenchPage({
    name: 'graph-capture',
    query: { runs: values.runs },
    chromium: values.chromium,
    timeoutSeconds: Number(values.timeout),
    progressLabel: 'graph-capture',
  });
  return { bench: 'graph-capture', machine: machineInfo(), browser, ...result };
}
