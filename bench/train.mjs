/**
 * `npm run bench -- train [--models tiny,real-size] [--presets lora-r8,last-2-blocks] [--eps webgpu,wasm]
 *                         [--batch 8] [--tokens 20] [--steps N] [--warmup N] [--no-torch] [--wasm-threads 1,0] [--profile]
 *                         [--runtime node] [--webgpu-state device,copied]`
 *
 * Steps and samples per second of our training graphs (src/lib/train/graph) in headless Chromium with
 * onnxruntime-web/webgpu, on the WebGPU EP (params, gradients and moments kept on the GPU) and on the WASM EP,
 * for the tiny student (public/models/tiny-random/vit-gpt2) and the random-weight real-size ViT-GPT2 decoder
 * (public/models/bench/vit-gpt2-real-size, from tools/make_real_size_models.py), beside PyTorch on the CPU
 * running the same step on the same shapes (tools/bench_train_torch.py), with ratios and the memory the trainer
 * holds. Prints one JSON object. Steps per run (warm-up, then timed) come from STEP_PLAN unless given.
 *
 * --wasm-threads LIST: WASM thread counts, one page each (0: every core, as the studio's worker; the default).
 * --runtime node: the same steps on onnxruntime-node's CPU and WebGPU EPs instead (--eps cpu,webgpu; `wasm`:
 * onnxruntime-web's WASM EP in Node, the browser's kernels without a browser); with --profile, one more step per
 * preset and EP under ONNX Runtime's profiler (bench/lib/ort-profile.ts): kernels per step and on which EP, nodes
 * left on the CPU, copies between devices, milliseconds per op type.
 * --webgpu-state device,copied (node, WebGPU): the trainer's state kept on the GPU between steps (the default; read
 * back through a copy session) or copied to the CPU and back around every run, side by side.
 * --webgpu-config 'KEY=VALUE;KEY=VALUE' (browser): session config entries of ORT's WebGPU EP for our step
 * (ep.webgpuexecutionprovider.KEY: validationMode, maxNumPendingDispatches, …), reported with the results.
 * --bundle FILE: writes bench/train-node.ts and the library as one .mjs (for a lent GPU, see
 * bench/train-device.mjs) and exits.
 * --peers jax-js: the same step written in jax-js (bench/lib/jax-step.ts) in the same Chromium, on its webgpu
 * and wasm backends (those of --eps), as rows 'jax-js <backend>' with ratios ours / jax-js per preset and
 * device kind (peerRatios). Off by default. At the real size without its ONNX (it needs transformers), only
 * jax-js runs, on random weights, and our rows say why they are missing.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import {
  MODELS,
  machine,
  modelConfig,
  runInBrowser,
  runInNode,
  runJaxInBrowser,
  runTorch,
} from './lib/train-runners.mjs';

/**
 * Warm-up and timed steps. The first step compiles every WebGPU kernel; on SwiftShader (a CPU emulating the
 * GPU) a real-size step takes minutes, so there one step is timed after one warm-up step.
 */
const STEP_PLAN = {
  tiny: { webgpu: { warmup: 2, steps: 5 }, wasm: { warmup: 2, steps: 5 }, cpu: { warmup: 2, steps: 5 } },
  'real-size': {
    webgpu: { warmup: 1, steps: 1 },
    wasm: { warmup: 1, steps: 2 },
    cpu: { warmup: 1, steps: 2 },
  },
};
const TORCH_PLAN = { tiny: { warmup: 2, steps: 20 }, 'real-size': { warmup: 1, steps: 3 } };

const MEMORY_NOTE =
  'memory.* is accounted from the training graph at these shapes (src/lib/train/graph/memory.ts): ' +
  'trainer state = params + gradients + 2 Adam moments (float32, one copy each); frozen = the training ' +
  "graph's initializers (frozen weights and constants); savedActivations = every tensor a forward node " +
  'produces and a gradient node reads (all alive when the backward pass starts); inputs = tokens, encoder ' +
  'states, labels, mask, weights. Not accounted: transient tensors and the optimizer graph. gpuBuffers.* ' +
  '(WebGPU) is measured: bytes of GPU buffers ORT created and has not destroyed (its buffer cache included), ' +
  'after creating the sessions, at the peak during the steps, and after them. gpuCallsPerStep.* (WebGPU) is ' +
  'counted: compute dispatches, buffer-to-buffer copies and queue writes per timed step (bench/train-gpu-dispatches.ts).';

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      runtime: { type: 'string', default: 'browser' },
      models: { type: 'string', default: 'tiny,real-size' },
      model: { type: 'string' },
      presets: { type: 'string', default: 'lora-r8,last-2-blocks' },
      eps: { type: 'string' },
      batch: { type: 'string', default: '8' },
      tokens: { type: 'string', default: '20' },
      steps: { type: 'string' },
      warmup: { type: 'string' },
      'no-torch': { type: 'boolean', default: false },
      'wasm-threads': { type: 'string', default: '0' },
      profile: { type: 'boolean', default: false },
      'webgpu-state': { type: 'string', default: 'device' },
      peers: { type: 'string', default: '' },
      'webgpu-config': { type: 'string', default: '' },
      bundle: { type: 'string' },
      chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
      timeout: { type: 'string', default: '7200' },
    },
  });
  if (values.bundle) return bundleNodeBench(values.bundle);
  const node = values.runtime === 'node';
  const eps = (values.eps ?? (node ? 'cpu,webgpu' : 'webgpu,wasm')).split(',');
  if (node && !process.env.VK_ICD_FILENAMES && eps.includes('webgpu')) return rerunWithSwiftShader();
  const models = (values.model ?? values.models).split(',');
  const peers = values.peers ? values.peers.split(',') : [];
  for (const peer of peers) if (peer !== 'jax-js') throw new Error(`--peers: unknown peer ${peer} (jax-js)`);
  if (node && peers.length > 0) throw new Error('--peers runs in Chromium only, not with --runtime node');
  const presets = values.presets.split(',');
  const batch = Number(values.batch);
  const tokens = Number(values.tokens);
  const override = (plan) => ({
    warmup: values.warmup !== undefined ? Number(values.warmup) : plan.warmup,
    steps: values.steps !== undefined ? Number(values.steps) : plan.steps,
  });

  const report = { bench: 'train', machine: machine(), batch, tokens, note: MEMORY_NOTE, models: {} };
  for (const model of models) {
    const known = STEP_PLAN[model] ?? STEP_PLAN['real-size'];
    const plan = Object.fromEntries(eps.map((ep) => [ep, override(known[ep])]));
    // Our step needs the model's ONNX; the jax-js peer can time the real size without it (random weights).
    const ours = peers.length === 0 || existsSync(join(MODELS[model] ?? model, 'onnx', 'decoder_model.onnx'));
    const encoderSequence = ours ? modelConfig(model).encoderSequence : undefined;
    const entry = { encoderSequence, stepPlan: plan, results: [] };
    if (!ours)
      entry.results.push({ runtime: 'onnxruntime-web', error: `no decoder for ${model} (${MODELS[model]})` });
    else if (node) {
      entry.results.push(
        ...(await runInNode({
          ...{ model, presets, eps, batch, tokens, plan, profile: values.profile },
          webgpuStates: values['webgpu-state'].split(','),
        })),
      );
    } else {
      // One page per WASM thread count (--wasm-threads 1,0: one thread against every core, side by side); WebGPU
      // runs on the first page only.
      const threadCounts = values['wasm-threads'].split(',').map(Number);
      for (const [i, wasmThreads] of threadCounts.entries()) {
        const pageEps = i === 0 ? eps : eps.filter((ep) => ep === 'wasm');
        if (pageEps.length === 0) continue;
        const page = await runInBrowser({
          ...{ model, presets, eps: pageEps, batch, tokens, plan, chromium: values.chromium, wasmThreads },
          webgpuConfig: values['webgpu-config'],
          timeoutSeconds: Number(values.timeout),
        });
        report.browser = `chromium ${page.browser} (headless, --enable-unsafe-webgpu)`;
        if (values['webgpu-config']) report.webgpuConfig = values['webgpu-config'];
        report.adapter = page.adapter;
        const label = (ep) =>
          ep === 'wasm' && threadCounts.length > 1
            ? `onnxruntime-web wasm ${page.wasmThreads} threads`
            : `onnxruntime-web ${ep}`;
        entry.results.push(
          ...page.results.map((r) => ({ runtime: label(r.ep), wasmThreads: page.wasmThreads, ...r })),
        );
      }
    }
    if (peers.includes('jax-js')) {
      const backends = eps.filter((ep) => ep === 'webgpu' || ep === 'wasm');
      const peer = await runJaxInBrowser({
        ...{ model, presets, backends, batch, tokens, plan, chromium: values.chromium },
        timeoutSeconds: Number(values.timeout),
      });
      report.browser ??= `chromium ${peer.browser} (headless, --enable-unsafe-webgpu)`;
      // The machine is shared: the load tells whether another run competed with this one for the cores.
      report.jaxJs = { version: JAX_JS_VERSION, ...peer.page, loadAverage: loadavg() };
      entry.jaxJsWeights = peer.weights;
      entry.results.push(...peer.results);
    }
    if (ours && !values['no-torch'])
      for (const preset of presets)
        entry.results.push(
          runTorch({
            model,
            preset,
            batch,
            tokens,
            ...override(TORCH_PLAN[model] ?? TORCH_PLAN['real-size']),
          }),
        );
    entry.results = entry.results.map(({ losses, ...r }) => ({
      ...r,
      ...(losses ? { firstLoss: losses[0], lastLoss: losses.at(-1) } : {}),
    }));
    entry.ratios = ratios(entry.results, presets);
    if (peers.length > 0) entry.peerRatios = peerRatios(entry.results, presets);
    report.models[model] = entry;
  }
  if (report.adapter)
    report.fp16 = report.adapter.shaderF16
      ? 'the adapter offers shader-f16 (fp16 compute not measured by this benchmark)'
      : 'the adapter has no shader-f16: fp16 compute cannot run here, not measured';
  return report;
}

/** steps/s of each runtime over each other, per preset: e.g. "onnxruntime-web webgpu / pytorch". */
function ratios(results, presets) {
  const out = {};
  for (const preset of presets) {
    const speed = Object.fromEntries(
      results
        .filter((r) => r.preset === preset && r.stepsPerSecond > 0)
        .map((r) => [r.runtime.startsWith('pytorch') ? 'pytorch cpu' : r.runtime, r.stepsPerSecond]),
    );
    const names = Object.keys(speed);
    out[preset] = Object.fromEntries(
      names.flatMap((a, i) =>
        names.slice(i + 1).map((b) => [`${a} / ${b}`, Number((speed[a] / speed[b]).toPrecision(3))]),
      ),
    );
  }
  return out;
}

/** steps/s of ours over jax-js's on the same device kind, per preset: "onnxruntime-web wasm / jax-js wasm". */
function peerRatios(results, presets) {
  const speed = (runtime, preset) =>
    results.find((r) => r.runtime === runtime && r.preset === preset && r.stepsPerSecond > 0)?.stepsPerSecond;
  const out = {};
  for (const preset of presets)
    for (const device of ['webgpu', 'wasm']) {
      const [a, b] = [speed(`onnxruntime-web ${device}`, preset), speed(`jax-js ${device}`, preset)];
      if (a && b)
        (out[preset] ??= {})[`onnxruntime-web ${device} / jax-js ${device}`] = Number((a / b).toPrecision(3));
    }
  return out;
}

/** The jax-js the peer ran (a devDependency: package.json pins it). */
const JAX_JS_VERSION = JSON.parse(
  readFileSync(new URL('../node_modules/@jax-js/jax/package.json', import.meta.url), 'utf8'),
).version;

/** Dawn finds Vulkan only through environment present when the process starts: run again with it. */
async function rerunWithSwiftShader() {
  const { spawnSync } = await import('node:child_process');
  const env = {
    ...process.env,
    VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json',
    LD_LIBRARY_PATH: '/usr/lib/chromium',
  };
  const child = spawnSync(process.execPath, process.argv.slice(1), {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`bench child exited ${child.status}`);
  return JSON.parse(child.stdout.toString());
}

async function bundleNodeBench(file) {
  const { build } = await import('vite');
  await build({
    configFile: false,
    publicDir: false,
    logLevel: 'error',
    build: {
      ssr: 'bench/train-node.ts',
      outDir: join(file, '..'),
      emptyOutDir: false,
      rollupOptions: { external: ['onnxruntime-node'], output: { entryFileNames: file.split('/').pop() } },
    },
  });
  return { bundle: file };
}
