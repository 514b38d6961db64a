/**
 * `npm run bench -- caption [--model ID] [--device webgpu|wasm] [--images N] [--batch N] [--tokens N]`
 *
 * Images per second of the studio's batched student worker against transformers.js's default
 * pipeline('image-to-text') one image at a time, both in the same headless Chromium (Debian's, with
 * --enable-unsafe-webgpu: SwiftShader's WebGPU adapter on machines without a GPU), on a random-weight model
 * with the real ViT-GPT2 dimensions, new tokens forced (min = max). Prints one JSON object.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

const DEFAULTS = {
  model: 'bench/vit-gpt2-real-size',
  device: 'webgpu',
  images: '8',
  batch: '8',
  tokens: '16',
};

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', default: DEFAULTS.model },
      device: { type: 'string', default: DEFAULTS.device },
      images: { type: 'string', default: DEFAULTS.images },
      batch: { type: 'string', default: DEFAULTS.batch },
      tokens: { type: 'string', default: DEFAULTS.tokens },
      chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
      timeout: { type: 'string', default: '1800' },
      only: { type: 'string', default: '' },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (!['webgpu', 'wasm'].includes(values.device))
    throw new Error(`--device must be webgpu or wasm, got ${values.device}`);
  const modelDir = join('public', 'models', values.model);
  if (!existsSync(join(modelDir, 'config.json'))) {
    throw new Error(
      `no model at ${modelDir}: generate the real-size random model first (python3 tools/make_real_size_models.py)`,
    );
  }
  const photosDir = join(process.env.SHARED_DIR ?? '../shared', 'data', 'images');
  const photos = readdirSync(photosDir)
    .filter((n) => /\.(jpe?g|png)$/i.test(n))
    .sort();

  // No file watching and no HMR: other edits in the checkout must not reload the page mid-run, and every
  // dependency is optimized up front (a late discovery would reload it too).
  const server = await createServer({
    configFile: 'vite.config.ts',
    logLevel: 'error',
    server: { port: 0, watch: null, hmr: false },
    optimizeDeps: {
      entries: ['bench/caption.html', 'workers/student.worker.ts'],
      include: ['comlink'],
      noDiscovery: true,
    },
  });
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
    const log = (line) => {
      logs.push(line);
      if (values.verbose) process.stderr.write(`[page] ${line.slice(0, 300)}\n`);
    };
    page.on('console', (message) => log(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => log(`pageerror: ${error.message}`));
    page.on('requestfailed', (request) =>
      log(`request failed: ${request.url()} ${request.failure()?.errorText}`),
    );
    page.on(
      'response',
      (response) => response.status() >= 400 && log(`HTTP ${response.status()} ${response.url()}`),
    );
    // The photos live outside the app (../shared): serve them to the page under /bench-images/.
    await page.route('**/bench-images/**', async (route) => {
      const name = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop() ?? '');
      if (name === 'list.json') return route.fulfill({ json: photos });
      if (!photos.includes(name)) return route.fulfill({ status: 404 });
      return route.fulfill({ body: readFileSync(join(photosDir, name)) });
    });
    const query = new URLSearchParams({
      model: values.model,
      device: values.device,
      images: values.images,
      batch: values.batch,
      tokens: values.tokens,
      only: values.only,
    });
    await page.goto(`${origin}/bench/caption.html?${query}`);
    // Progress on stderr (stdout carries only the JSON): the page's status line whenever it changes.
    const started = Date.now();
    let lastStatus = '';
    const progress = setInterval(() => {
      page
        .textContent('#status')
        .then((text) => {
          if (text !== null && text !== lastStatus) {
            lastStatus = text;
            process.stderr.write(
              `[bench ${Math.round((Date.now() - started) / 1000)}s] ${text.slice(0, 200)}\n`,
            );
          }
        })
        .catch(() => undefined);
    }, 2000);
    progress.unref();
    await page.waitForFunction(() => '__benchResult' in globalThis || '__benchError' in globalThis, null, {
      timeout: Number(values.timeout) * 1000,
      polling: 1000,
    });
    clearInterval(progress);
    const error = await page.evaluate(() => globalThis.__benchError);
    if (error !== undefined) throw new Error(`bench page failed: ${error}\n${logs.slice(-20).join('\n')}`);
    const page_ = await page.evaluate(() => globalThis.__benchResult);
    const matching = page_.ours.captions.filter((c, i) => c === page_.pipeline.captions[i]).length;
    return {
      bench: 'caption',
      model: values.model,
      device: values.device,
      adapter: page_.adapter,
      images: Number(values.images),
      newTokens: Number(values.tokens),
      browser: `${browser.version()} (headless, --enable-unsafe-webgpu)`,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      },
      ours: { ...page_.ours, captions: undefined },
      pipeline: { ...page_.pipeline, captions: undefined },
      speedup: page_.ours.imagesPerSecond / page_.pipeline.imagesPerSecond,
      target: 3,
      captionsEqual: `${matching}/${page_.ours.captions.length}`,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
