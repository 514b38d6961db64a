/**
 * What every browser benchmark (bench/caption.mjs, evidence.mjs, cycle.mjs, and train.mjs's browser runner)
 * does around its page: serve the app with vite, open bench/NAME.html in Debian's headless Chromium with
 * --enable-unsafe-webgpu (SwiftShader's WebGPU adapter on machines without a GPU), serve a folder of photos to
 * it (--data DIR), relay its progress, and wait for the page to set window.__benchResult (or __benchError).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed photos (test/fixtures/photos): what a photo bench reads unless --data names another folder. */
export const DEFAULT_PHOTOS_DIR = fileURLToPath(new URL('../../test/fixtures/photos', import.meta.url));

/** parseArgs options every browser bench takes: --chromium PATH and --timeout SECONDS. */
export const browserOptions = (timeoutSeconds) => ({
  chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  timeout: { type: 'string', default: String(timeoutSeconds) },
});

export function checkDevice(device) {
  if (!['webgpu', 'wasm'].includes(device)) throw new Error(`--device must be webgpu or wasm, got ${device}`);
}

/** Throws, naming the command that makes it, when public/models/ID has no config.json. */
export function requireModel(id, howToMake) {
  const dir = join('public', 'models', id);
  if (!existsSync(join(dir, 'config.json'))) throw new Error(`no model at ${dir}: ${howToMake}`);
}

/** The machine a figure was measured on; the load average matters on a shared machine. */
export const machineInfo = () => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  loadAverage1m: os.loadavg()[0],
});

/** parseArgs option of the benches that read photos: --data DIR, a folder of .jpg/.jpeg/.png files. */
export const photoOptions = () => ({ data: { type: 'string', default: DEFAULT_PHOTOS_DIR } });

/**
 * The photos of `dir` (the page fetches them under /bench-images/), sorted by name. Throws, naming --data,
 * when the folder is missing or holds no photo.
 */
export function benchPhotos(dir) {
  const full = resolve(dir);
  if (!existsSync(full) || !statSync(full).isDirectory())
    throw new Error(`--data ${dir}: no such folder (give a folder of .jpg/.png photos)`);
  const names = readdirSync(full)
    .filter((n) => /\.(jpe?g|png)$/i.test(n))
    .sort();
  if (names.length === 0) throw new Error(`--data ${dir}: no .jpg/.jpeg/.png photo in this folder`);
  return { dir: full, names };
}

/** Writes the page's #status line to stderr whenever it changes (stdout carries only the JSON). */
function relayStatus(page, label) {
  const started = Date.now();
  let last = '';
  const timer = setInterval(() => {
    page
      .textContent('#status')
      .then((text) => {
        if (text !== null && text !== last) {
          last = text;
          const elapsed = Math.round((Date.now() - started) / 1000);
          process.stderr.write(`[${label} ${elapsed}s] ${text.slice(0, 200)}\n`);
        }
      })
      .catch(() => undefined);
  }, 2000);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Runs bench/NAME.html?QUERY to its end and resolves to { result, browserVersion, browser } (browser: the
 * version and how it was launched, for the report).
 * - progressLabel: prefix of the relayed status lines; null relays none.
 * - onConsole(text): called with every console line of the page; verbose: echo them to stderr too.
 * - optimizeDeps: vite's, for pages whose dependencies must all be optimized before the page loads.
 * - photosDir: the folder served under /bench-images/ (--data); pages that fetch no photo leave it out.
 */
export async function runBenchPage({
  name,
  query,
  chromium,
  timeoutSeconds,
  progressLabel = 'bench',
  verbose = false,
  onConsole = () => undefined,
  optimizeDeps,
  photosDir,
}) {
  // Checked before anything starts, so that a wrong --data fails at once.
  const photos = photosDir === undefined ? null : benchPhotos(photosDir);
  const { chromium: launcher } = await import('playwright-core');
  const { createServer } = await import('vite');
  // No file watching and no HMR: other edits in the checkout must not reload the page mid-run.
  const server = await createServer({
    configFile: 'vite.config.ts',
    logLevel: 'error',
    server: { port: 0, watch: null, hmr: false },
    ...(optimizeDeps ? { optimizeDeps } : {}),
  });
  await server.listen();
  const origin = (server.resolvedUrls?.local[0] ?? '').replace(/\/$/, '');
  const browser = await launcher.launch({
    executablePath: chromium,
    headless: true,
    args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--ignore-gpu-blocklist'],
  });
  try {
    const page = await browser.newPage();
    const logs = [];
    const log = (line) => {
      logs.push(line);
      if (verbose) process.stderr.write(`[page] ${line.slice(0, 300)}\n`);
    };
    page.on('console', (message) => {
      log(`${message.type()}: ${message.text()}`);
      onConsole(message.text());
    });
    page.on('pageerror', (error) => log(`pageerror: ${error.message}`));
    page.on('requestfailed', (request) =>
      log(`request failed: ${request.url()} ${request.failure()?.errorText}`),
    );
    page.on(
      'response',
      (response) => response.status() >= 400 && log(`HTTP ${response.status()} ${response.url()}`),
    );
    await page.route('**/bench-images/**', async (route) => {
      const file = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop() ?? '');
      if (photos === null) return route.fulfill({ status: 404 });
      if (file === 'list.json') return route.fulfill({ json: photos.names });
      if (!photos.names.includes(file)) return route.fulfill({ status: 404 });
      return route.fulfill({ body: readFileSync(join(photos.dir, file)) });
    });
    const stopRelay = progressLabel === null ? () => undefined : relayStatus(page, progressLabel);
    try {
      await page.goto(`${origin}/bench/${name}.html?${new URLSearchParams(query)}`);
      await page.waitForFunction(() => '__benchResult' in globalThis || '__benchError' in globalThis, null, {
        timeout: timeoutSeconds * 1000,
        polling: 1000,
      });
    } finally {
      stopRelay();
    }
    const error = await page.evaluate(() => globalThis.__benchError);
    if (error !== undefined) throw new Error(`bench page failed: ${error}\n${logs.slice(-20).join('\n')}`);
    const result = await page.evaluate(() => globalThis.__benchResult);
    const browserVersion = browser.version();
    return { result, browserVersion, browser: `${browserVersion} (headless, --enable-unsafe-webgpu)` };
  } finally {
    await browser.close();
    await server.close();
  }
}
