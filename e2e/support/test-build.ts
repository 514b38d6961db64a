/** What both Playwright configs (the e2e suite and the docs screenshots) share: the browser and the test build. */

/** Debian's chromium, headless, quiet: no updates, sync or first-run work competing for two cores. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * A test build (the typed hook compiled in) served by `vite preview` with the app's own headers, built into its
 * own folder so that two configs never overwrite each other's build.
 */
export function testBuildServer(port: number, outDir: string) {
  return {
    command:
      `npx vite build --mode test --outDir ${outDir} --emptyOutDir --logLevel warn && ` +
      `npx vite preview --mode test --outDir ${outDir} --port ${port} --strictPort`,
    url: `http://localhost:${port}/`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
  };
}
