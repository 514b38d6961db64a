import { defineConfig } from '@playwright/test';

/** Where the e2e build is served (a port of its own, so a dev server on 5173 does not get in the way). */
const PORT = Number(process.env['CAPGRAD_E2E_PORT'] ?? 4319);

/** Debian's chromium, headless, quiet: no updates, sync or first-run work competing for two cores. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'e2e',
  // Throw-away debugging specs (zz-*) never run in `npm test`.
  testIgnore: ['**/zz-*.spec.ts'],
  // The tiny model on SwiftShader WebGPU (a CPU) takes minutes for a folder of photos; nothing here is a timing test.
  timeout: 15 * 60_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results/e2e',
  use: {
    baseURL: `http://localhost:${PORT}`,
    viewport: { width: 1280, height: 900 },
    trace: 'retain-on-failure',
    launchOptions: { executablePath: '/usr/bin/chromium' },
  },
  projects: [
    {
      // SwiftShader's WebGPU adapter: the student must say WebGPU.
      name: 'webgpu',
      use: {
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: ['--enable-unsafe-webgpu', ...CHROMIUM_ARGS],
        },
      },
      metadata: { device: 'webgpu' },
    },
    {
      // No flag, no adapter: the student must fall back to WASM and say why.
      name: 'wasm',
      use: { launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS } },
      metadata: { device: 'wasm' },
    },
  ],
  webServer: {
    // A test build (the typed hook compiled in) served by `vite preview` with the app's own headers.
    command:
      `npx vite build --mode test --outDir .cache/e2e-dist --emptyOutDir --logLevel warn && ` +
      `npx vite preview --mode test --outDir .cache/e2e-dist --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}/`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
