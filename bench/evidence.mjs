/**
 * `npm run bench -- evidence [--device webgpu|wasm] [--images N] [--det-batch N] [--model ID]
 *   [--florence-crops N] [--vision-batch N] [--tokens N] [--only detector|florence]`
 *
 * Crops per second of the evidence path batched against one crop at a time, in the same headless Chromium
 * (Debian's, --enable-unsafe-webgpu: SwiftShader's WebGPU adapter on machines without a GPU): the real
 * FastestDet on every crop of the photos, and Florence-2 at the real Florence-2-base dimensions with random
 * weights (public/models/bench/florence-2-real-size: `python3 tools/make_real_size_models.py --model florence-2`).
 * Prints one JSON object. Measures; asserts nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      device: { type: 'string', default: 'webgpu' },
      images: { type: 'string', default: '4' },
      'det-batch': { type: 'string', default: '16' },
      model: { type: 'string', default: 'bench/florence-2-real-size' },
      'florence-crops': { type: 'string', default: '4' },
      'vision-batch': { type: 'string', default: '4' },
      tokens: { type: 'string', default: '8' },
      only: { type: 'string', default: '' },
      chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
      timeout: { type: 'string', default: '3600' },
    },
  });
  if (!['webgpu', 'wasm'].includes(values.device))
    throw new Error(`--device must be webgpu or wasm, got ${values.device}`);
  if (values.only !== 'detector' && !existsSync(join('public', 'models', values.model, 'config.json'))) {
    throw new Error(
      `no model at public/models/${values.model}: python3 tools/make_real_size_models.py --model florence-2 (or --only detector)`,
    );
  }
  const photosDir = join(process.env.SHARED_DIR ?? '../shared', 'data', 'images');
  const photos = readdirSync(photosDir)
    .filter((n) => /\.(jpe?g|png)$/i.test(n))
    .sort();

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
    await page.route('**/bench-images/**', async (route) => {
      const name = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop() ?? '');
      if (name === 'list.json') return route.fulfill({ json: photos });
      if (!photos.includes(name)) return route.fulfill({ status: 404 });
      return route.fulfill({ body: readFileSync(join(photosDir, name)) });
    });
    const query = new URLSearchParams({
      device: values.device,
      images: values.images,
      detBatch: values['det-batch'],
      model: values.model,
      florenceCrops: values['florence-crops'],
      visionBatch: values['vision-batch'],
      tokens: values.tokens,
      only: values.only,
    });
    await page.goto(`${origin}/bench/evidence.html?${query}`);
    const started = Date.now();
    let last = '';
    const progress = setInterval(() => {
      page
        .textContent('#status')
        .then((text) => {
          if (text !== null && text !== last) {
            last = text;
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
    const result = await page.evaluate(() => globalThis.__benchResult);
    const adapter = await page.evaluate(async () => {
      const a = await navigator.gpu?.requestAdapter();
      return a
        ? [a.info?.vendor, a.info?.architecture, a.info?.description].filter(Boolean).join(' / ')
        : null;
    });
    return {
      bench: 'evidence',
      device: values.device,
      adapter,
      images: Number(values.images),
      browser: `${browser.version()} (headless, --enable-unsafe-webgpu)`,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        loadAverage1m: os.loadavg()[0],
      },
      ...result,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
