/**
 * `npm run bench -- cycle [--images 10] [--epochs 3] [--batch 4] [--tokens 20] [--device webgpu|wasm]
 *                         [--student ID] [--florence ID|none] [--grids 1,2] [--dense 1] [--florence-tokens 32]
 *                         [--beams 1] [--timeout 7200]`
 *
 * Wall time of one full round of the loop on N photos, split into captioning, evidence, critique, training and
 * re-captioning, with the studio's own workers in headless Chromium (Debian's, --enable-unsafe-webgpu:
 * SwiftShader's WebGPU adapter on machines without a GPU), on random-weight models at the real dimensions
 * (python3 tools/make_real_size_models.py [--model florence-2]). Model loads are reported apart from the round.
 * Prints one JSON object; measures, never asserts.
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
      images: { type: 'string', default: '10' },
      epochs: { type: 'string', default: '3' },
      batch: { type: 'string', default: '4' },
      tokens: { type: 'string', default: '20' },
      device: { type: 'string', default: 'webgpu' },
      student: { type: 'string', default: 'bench/vit-gpt2-real-size' },
      florence: { type: 'string', default: 'bench/florence-2-real-size' },
      grids: { type: 'string', default: '1,2' },
      dense: { type: 'string', default: '1' },
      'florence-tokens': { type: 'string', default: '32' },
      beams: { type: 'string', default: '1' },
      chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
      timeout: { type: 'string', default: '7200' },
    },
  });
  for (const id of [values.student, values.florence].filter((m) => m !== 'none')) {
    if (!existsSync(join('public', 'models', id, 'config.json')))
      throw new Error(
        `no model at public/models/${id}: python3 tools/make_real_size_models.py [--model florence-2]`,
      );
  }
  const photosDir = join(process.env.SHARED_DIR ?? '../shared', 'data', 'images');
  const photos = readdirSync(photosDir)
    .filter((n) => /\.(jpe?g|png)$/i.test(n))
    .sort();
  const server = await createServer({
    configFile: 'vite.config.ts',
    logLevel: 'error',
    server: { port: 0, hmr: false, watch: null },
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
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    await page.route('**/bench-images/**', async (route) => {
      const name = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop() ?? '');
      if (name === 'list.json') return route.fulfill({ json: photos });
      if (!photos.includes(name)) return route.fulfill({ status: 404 });
      return route.fulfill({ body: readFileSync(join(photosDir, name)) });
    });
    const query = new URLSearchParams({
      images: values.images,
      epochs: values.epochs,
      batch: values.batch,
      tokens: values.tokens,
      device: values.device,
      student: values.student,
      florence: values.florence,
      grids: values.grids,
      dense: values.dense,
      florenceTokens: values['florence-tokens'],
      beams: values.beams,
    });
    const started = Date.now();
    await page.goto(`${origin}/bench/cycle.html?${query}`);
    let last = '';
    const progress = setInterval(() => {
      page
        .textContent('#status')
        .then((text) => {
          if (text !== null && text !== last) {
            last = text;
            process.stderr.write(
              `[cycle ${Math.round((Date.now() - started) / 1000)}s] ${text.slice(0, 160)}\n`,
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
    const t = result.timings;
    const round = t.captioning + t.evidence + t.critique + t.training.seconds + t.recaptioning.seconds;
    return {
      bench: 'cycle',
      roundSeconds: round,
      stages: {
        captioning: t.captioning,
        evidence: t.evidence,
        critique: t.critique,
        training: t.training.seconds,
        recaptioning: t.recaptioning.seconds,
      },
      details: {
        training: t.training,
        recaptioning: t.recaptioning,
        loads: { student: t.studentLoad, teacher: t.teacherLoad },
      },
      settings: result.settings,
      accepted: result.accepted,
      changedCaptions: result.changedCaptions,
      browser: `${browser.version()} (headless, --enable-unsafe-webgpu)`,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      },
      seed: 'about 180 s per cycle on a Colab GPU in fp16 (10 COCO images, 3 epochs)',
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
