import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, testBuildServer } from './e2e/support/test-build';

/**
 * `npm run docs:screenshots`: the pictures under docs/ that README shows, taken from a test build of the studio
 * with the hub unreachable (as on a machine with no internet). Not part of `npm test` (they write into docs/).
 */
const PORT = Number(process.env['CAPGRAD_DOCS_PORT'] ?? 4329);

export default defineConfig({
  testDir: 'e2e/docs-shots',
  testMatch: '*.shot.ts',
  timeout: 15 * 60_000,
  expect: { timeout: 60_000 },
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results/docs-shots',
  use: {
    baseURL: `http://localhost:${PORT}`,
    viewport: { width: 1280, height: 900 },
    // WASM (no WebGPU flag): the same pictures on any machine, and fast on a CPU.
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
  },
  webServer: testBuildServer(PORT, '.cache/docs-dist'),
});
