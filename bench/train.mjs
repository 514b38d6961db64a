/**
 * `npm run bench -- train [--model tiny|real-size|PATH] [--presets lora-r8,last-2-blocks] [--eps cpu,webgpu]
 *                         [--batch 8] [--tokens 20] [--steps 5] [--warmup 2] [--torch] [--bundle FILE]`
 *
 * Steps and samples per second of our training graphs (src/lib/onnx/training) on onnxruntime-node's CPU and
 * WebGPU EPs (the WebGPU EP is ORT's native one, the kernels the browser runs; SwiftShader here, a real GPU on a
 * lent machine), beside PyTorch running the same step on the same shapes (tools/bench_train_torch.py, --torch).
 * Models: the tiny student (public/models/tiny-random/vit-gpt2) or the random-weight real-size ViT-GPT2
 * decoder (public/models/bench/vit-gpt2-real-size, from tools/make_real_size_models.py). Prints one JSON object.
 * --bundle FILE writes bench/train-node.ts and the library as one .mjs (for a GPU machine without the repo's
 * toolchain) and exits.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const MODELS = {
  tiny: 'public/models/tiny-random/vit-gpt2',
  'real-size': 'public/models/bench/vit-gpt2-real-size',
};

function encoderSequence(config) {
  const { image_size: image, patch_size: patch } = config.encoder;
  return (image / patch) ** 2 + 1;
}

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', default: 'tiny' },
      presets: { type: 'string', default: 'lora-r8,last-2-blocks' },
      eps: { type: 'string', default: 'cpu,webgpu' },
      batch: { type: 'string', default: '8' },
      tokens: { type: 'string', default: '20' },
      steps: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '2' },
      torch: { type: 'boolean', default: false },
      bundle: { type: 'string' },
      browser: { type: 'boolean', default: false },
      chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
      timeout: { type: 'string', default: '1800' },
    },
  });
  if (values.browser) return runInBrowser(values);
  const { createServer, build } = await import('vite');
  if (values.bundle) {
    await build({
      configFile: false,
      publicDir: false,
      logLevel: 'error',
      build: {
        ssr: 'bench/train-node.ts',
        outDir: join(values.bundle, '..'),
        emptyOutDir: false,
        rollupOptions: {
          external: ['onnxruntime-node'],
          output: { entryFileNames: values.bundle.split('/').pop() },
        },
      },
    });
    return { bundle: values.bundle };
  }
  const eps = values.eps.split(',');
  // Dawn finds Vulkan only through environment present when the process starts: run again with it.
  const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (eps.includes('webgpu') && !process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) {
    const env = { ...process.env, VK_ICD_FILENAMES: swiftshader, LD_LIBRARY_PATH: '/usr/lib/chromium' };
    const child = spawnSync(process.execPath, process.argv.slice(1), {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (child.status !== 0) throw new Error(`bench child exited ${child.status}`);
    return JSON.parse(child.stdout.toString());
  }
  const dir = MODELS[values.model] ?? values.model;
  const decoderPath = join(dir, 'onnx', 'decoder_model.onnx');
  if (!existsSync(decoderPath))
    throw new Error(`no decoder at ${decoderPath} (real-size: python3 tools/make_real_size_models.py)`);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const shape = {
    batch: Number(values.batch),
    tokens: Number(values.tokens),
    steps: Number(values.steps),
    warmup: Number(values.warmup),
    encoderSequence: encoderSequence(config),
  };

  const server = await createServer({
    configFile: false,
    logLevel: 'error',
    server: { middlewareMode: true },
    appType: 'custom',
  });
  const results = [];
  try {
    const { benchTraining } = await server.ssrLoadModule('/bench/train-node.ts');
    const decoder = new Uint8Array(readFileSync(decoderPath));
    for (const preset of values.presets.split(','))
      for (const ep of eps)
        results.push({
          runtime: `onnxruntime-node ${ep}`,
          ...(await benchTraining({ decoder, preset, ep, ...shape })),
        });
  } finally {
    await server.close();
  }
  if (values.torch) {
    const d = config.decoder;
    for (const preset of values.presets.split(',')) {
      const args = [
        'tools/bench_train_torch.py',
        '--preset',
        preset,
        '--vocab',
        d.vocab_size,
        '--positions',
        d.n_positions,
        '--embd',
        d.n_embd,
        '--layers',
        d.n_layer,
        '--heads',
        d.n_head,
        '--encoder-seq',
        shape.encoderSequence,
        '--batch',
        shape.batch,
        '--tokens',
        shape.tokens,
        '--steps',
        shape.steps,
        '--warmup',
        shape.warmup,
      ].map(String);
      const py = spawnSync('python3', args, { encoding: 'utf8' });
      results.push(
        py.status === 0
          ? JSON.parse(py.stdout)
          : { runtime: 'pytorch cpu', preset, error: py.stderr.slice(-500) },
      );
    }
  }
  return {
    model: values.model,
    machine: `${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cores`,
    ...shape,
    results: results.map(({ losses, ...r }) => ({ ...r, firstLoss: losses?.[0], lastLoss: losses?.at(-1) })),
  };
}

/** The same steps in headless Chromium: WebGPU EP with tensors kept on the GPU, and the WASM EP. */
async function runInBrowser(values) {
  const { createServer } = await import('vite');
  const { chromium } = await import('playwright-core');
  const model =
    { tiny: 'tiny-random/vit-gpt2', 'real-size': 'bench/vit-gpt2-real-size' }[values.model] ?? values.model;
  const server = await createServer({ configFile: 'vite.config.ts', logLevel: 'error', server: { port: 0 } });
  await server.listen();
  const origin = (server.resolvedUrls?.local[0] ?? '').replace(/\/$/, '');
  const browser = await chromium.launch({
    executablePath: values.chromium,
    headless: true,
    args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--ignore-gpu-blocklist'],
  });
  try {
    const page = await browser.newPage();
    const logs = [];
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    const eps = values.eps.replace('cpu', 'wasm');
    const query = new URLSearchParams({
      model,
      presets: values.presets,
      eps,
      batch: values.batch,
      tokens: values.tokens,
      steps: values.steps,
      warmup: values.warmup,
    });
    await page.goto(`${origin}/bench/train.html?${query}`);
    await page.waitForFunction(() => '__benchResult' in globalThis || '__benchError' in globalThis, null, {
      timeout: Number(values.timeout) * 1000,
      polling: 1000,
    });
    const error = await page.evaluate(() => globalThis.__benchError);
    if (error !== undefined) throw new Error(`bench page failed: ${error}\n${logs.slice(-20).join('\n')}`);
    const result = await page.evaluate(() => globalThis.__benchResult);
    return {
      bench: 'train',
      model: values.model,
      browser: `chromium ${browser.version()} (headless, --enable-unsafe-webgpu)`,
      adapter: result.adapter,
      machine: `${process.platform} ${process.arch}, ${(await import('node:os')).cpus().length} cores`,
      batch: Number(values.batch),
      tokens: Number(values.tokens),
      results: result.results.map(({ losses, ...r }) => ({
        runtime: `onnxruntime-web ${r.ep}`,
        ...r,
        losses,
      })),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
