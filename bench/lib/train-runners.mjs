/**
 * The three ways bench/train.mjs runs the same training step (batch, caption length, encoder states of the
 * model's size): in headless Chromium with onnxruntime-web/webgpu (bench/train.html: WebGPU EP keeping tensors
 * on the GPU, and the WASM EP), in Node with onnxruntime-node (bench/train-node.ts: CPU EP, native WebGPU EP),
 * and in PyTorch (tools/bench_train_torch.py) as the reference.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { runBenchPage } from './browser-bench.mjs';
import { withSsrModule } from './ssr.mjs';

export const MODELS = {
  tiny: 'public/models/tiny-random/vit-gpt2',
  'real-size': 'public/models/bench/vit-gpt2-real-size',
};

export const machine = () => `${process.platform} ${process.arch}, ${cpus().length} cores`;

export function modelConfig(model) {
  const dir = MODELS[model] ?? model;
  const decoderPath = join(dir, 'onnx', 'decoder_model.onnx');
  if (!existsSync(decoderPath))
    throw new Error(`no decoder at ${decoderPath} (real-size: python3 tools/make_real_size_models.py)`);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const { image_size: image, patch_size: patch } = config.encoder;
  return { dir, decoderPath, config, encoderSequence: (image / patch) ** 2 + 1 };
}

/**
 * One model in Chromium: every preset on every EP, in one page. `plan[ep]` = { warmup, steps }. Progress lines
 * of the page go to stderr. Resolves to the page's result ({ adapter, results }) plus the browser's version.
 */
export async function runInBrowser({
  model,
  presets,
  eps,
  batch,
  tokens,
  plan,
  chromium,
  timeoutSeconds,
  wasmThreads,
  webgpuConfig,
}) {
  const query = new URLSearchParams({
    model: MODELS[model].replace(/^public\/models\//, ''),
    batch,
    tokens,
  });
  // WASM threads: every core unless given (0 also means every core).
  if (wasmThreads) query.set('threads', String(wasmThreads));
  if (webgpuConfig) query.set('webgpu-config', webgpuConfig);
  query.set('presets', presets.join(','));
  query.set('eps', eps.join(','));
  for (const [ep, { warmup, steps }] of Object.entries(plan)) {
    query.set(`${ep}-warmup`, String(warmup));
    query.set(`${ep}-steps`, String(steps));
  }
  const { result, browserVersion } = await runTrainPage('train', query, { model, chromium, timeoutSeconds });
  return { browser: browserVersion, ...result };
}

/**
 * A train bench page (ours or the peer's) to its end, its progress lines relayed to stderr: the page logs every
 * one ('[train-bench] …'; the #status line would be polled and could miss some).
 */
function runTrainPage(name, query, { model, chromium, timeoutSeconds, optimizeDeps }) {
  return runBenchPage({
    name,
    query,
    chromium,
    timeoutSeconds,
    progressLabel: null,
    ...(optimizeDeps ? { optimizeDeps } : {}),
    onConsole: (text) => {
      if (text.startsWith('[train-bench]')) console.error(`${new Date().toISOString()} ${model} ${text}`);
    },
  });
}

/** One model in Node (onnxruntime-node): every preset on every EP ('cpu', 'webgpu'). */
export async function runInNode({
  model,
  presets,
  eps,
  batch,
  tokens,
  plan,
  profile = false,
  webgpuStates = ['device'],
}) {
  const { decoderPath, encoderSequence } = modelConfig(model);
  return withSsrModule('/bench/train-node.ts', async ({ benchTraining }) => {
    const decoder = new Uint8Array(readFileSync(decoderPath));
    const results = [];
    for (const preset of presets)
      for (const ep of eps)
        for (const webgpuState of ep === 'webgpu' ? webgpuStates : [undefined])
          results.push({
            runtime:
              ep === 'wasm'
                ? 'onnxruntime-web wasm (node)'
                : `onnxruntime-node ${ep}${webgpuState === 'copied' ? ' (state copied)' : ''}`,
            ...(await benchTraining({
              decoder,
              preset,
              ep,
              batch,
              tokens,
              encoderSequence,
              profile,
              webgpuState,
              ...plan[ep],
            })),
          });
    return results;
  });
}

/** PyTorch on the CPU, the same step on the same shapes; an { error } entry when Python or torch is missing. */
export function runTorch({ model, preset, batch, tokens, warmup, steps }) {
  const { config, encoderSequence } = modelConfig(model);
  const d = config.decoder;
  const args = {
    preset,
    vocab: d.vocab_size,
    positions: d.n_positions,
    embd: d.n_embd,
    layers: d.n_layer,
    heads: d.n_head,
    'encoder-seq': encoderSequence,
    batch,
    tokens,
    steps,
    warmup,
  };
  const py = spawnSync(
    'python3',
    ['tools/bench_train_torch.py', ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)])],
    { encoding: 'utf8' },
  );
  if (py.status !== 0) return { runtime: 'pytorch cpu', preset, error: (py.stderr ?? '').slice(-500) };
  return { ...JSON.parse(py.stdout), warmupSteps: warmup, timedSteps: steps };
}

/**
 * GPT-2 124M behind ViT-base/16 at 224 (tools/make_real_size_models.py): the dimensions the jax-js peer times
 * with random weights when the real-size ONNX was not made (it needs transformers).
 */
const REAL_SIZE_DIMS = {
  vocab: 50257,
  positions: 1024,
  width: 768,
  layers: 12,
  heads: 12,
  encoderSequence: 197,
};

/**
 * The jax-js peer (bench/train-jax.html, bench/lib/jax-step.ts) for one model: every preset on every jax-js
 * backend, in one page of the same Chromium. Weights from the decoder ONNX when the model has one, GPT-2's
 * random initialization at the real size otherwise. Rows as our page's: { runtime: 'jax-js <backend>', ... }.
 */
export async function runJaxInBrowser({
  model,
  presets,
  backends,
  batch,
  tokens,
  plan,
  chromium,
  timeoutSeconds,
}) {
  const dir = MODELS[model] ?? model;
  const haveOnnx = existsSync(join(dir, 'onnx', 'decoder_model.onnx'));
  if (!haveOnnx && model !== 'real-size') throw new Error(`no decoder at ${dir} for the jax-js peer`);
  const dims = haveOnnx
    ? (() => {
        const { config, encoderSequence } = modelConfig(model);
        const d = config.decoder;
        return {
          ...{
            vocab: d.vocab_size,
            positions: d.n_positions,
            width: d.n_embd,
            layers: d.n_layer,
            heads: d.n_head,
          },
          encoderSequence,
        };
      })()
    : REAL_SIZE_DIMS;
  const query = new URLSearchParams({
    model: dir.replace(/^public\/models\//, ''),
    weights: haveOnnx ? 'onnx' : 'random',
    batch: String(batch),
    tokens: String(tokens),
    'encoder-sequence': String(dims.encoderSequence),
    ...Object.fromEntries(Object.entries(dims).map(([k, v]) => [k, String(v)])),
    presets: presets.join(','),
    backends: backends.join(','),
  });
  query.delete('encoderSequence');
  for (const backend of backends) {
    const { warmup, steps } = plan[backend] ?? plan.wasm;
    query.set(`${backend}-warmup`, String(warmup));
    query.set(`${backend}-steps`, String(steps));
  }
  const { result, browserVersion } = await runTrainPage('train-jax', query, {
    model,
    chromium,
    timeoutSeconds,
    // jax-js is a bench-only dependency vite has not pre-bundled: without this it is found on page load and
    // vite reloads the page mid-run.
    optimizeDeps: { include: ['@jax-js/jax'] },
  });
  const { results, ...page } = result;
  return {
    browser: browserVersion,
    page,
    weights: haveOnnx
      ? 'the decoder ONNX initializers'
      : 'random (GPT-2 initialization; no real-size ONNX here)',
    results: results.map(({ backend, ...r }) => ({ runtime: `jax-js ${backend}`, ...r })),
  };
}
