/**
 * Runs TypeScript bench halves in Node through Vite's SSR loader (the same module graph and `?raw` imports as
 * the app), so a bench's .mjs entry stays a thin argument parser: `withSsrModule('/bench/x-node.ts', (m) => …)`.
 */
import { createServer } from 'vite';

export async function withSsrModule(path, use) {
  const server = await createServer({
    configFile: false,
    logLevel: 'error',
    server: { middlewareMode: true, hmr: false, ws: false },
    appType: 'custom',
  });
  try {
    return await use(await server.ssrLoadModule(path), (other) => server.ssrLoadModule(other));
  } finally {
    await server.close();
  }
}
