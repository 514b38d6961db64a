import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, testBuildServer } from './e2e/support/test-build';

/** Where the e2e build is served (a port of its own, so a dev server on 5173 does not get in the way). */
const PORT = Number(process.env['CAPGRAD_E2E_PORT'] ?? 4319);

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
    launchOptions: { executablePath: CHROMIUM },
  },
  projects: [
    {
      // SwiftShader's WebGPU adapter: the student must say WebGPU.
      name: 'webgpu',
      use: {
        launchOptions: {
          executablePath: CHROMIUM,
          args: ['--enable-unsafe-webgpu', ...CHROMIUM_ARGS],
        },
      },
      metadata: { device: 'webgpu' },
    },
    {
      // No flag, no adapter: the student must fall back to WASM and say why.
      name: 'wasm',
      use: { launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } },
      metadata: { device: 'wasm' },
    },
  ],
  webServer: testBuildServer(PORT, '.cache/e2e-dist'),
});
