import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from '@playwright/test';
import { createServer } from 'vite';
import { openModelZip } from '../../test/support/model-zip';
import { webInflateRaw } from '../../test/support/web-deflate';
import type { CheckRequest } from '../web/transformers-check';
import { PHOTOS_DIR } from './files';

/** The exported zip's model folder, opened as the studio would open it (CRC, manifest sizes and SHA-256). */
export async function exportedModel(zipPath: string) {
  return openModelZip(new Uint8Array(readFileSync(zipPath)), { inflateRaw: webInflateRaw });
}

/**
 * Captions the photos with transformers.js in a fresh browser context (no studio, nothing stored), loading the
 * model from the zip's files: a vite dev server serves the check page (e2e/web/transformers-check.ts) with the
 * app's own transformers.js and ONNX Runtime; the test routes /exported/ and /photos/ to the files.
 */
export async function captionInFreshPage(
  browser: Browser,
  files: Record<string, Uint8Array>,
  request: Omit<CheckRequest, 'modelId'>,
): Promise<string[]> {
  const server = await createServer({
    configFile: 'vite.config.ts',
    logLevel: 'error',
    server: { port: 0, hmr: false, watch: null },
  });
  await server.listen();
  const origin = (server.resolvedUrls?.local[0] ?? '').replace(/\/$/, '');
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await context.route('**/exported/**', async (route) => {
      const path = decodeURIComponent(new URL(route.request().url()).pathname).replace(
        /^\/exported\/tuned\//,
        '',
      );
      const bytes = files[path];
      return bytes ? route.fulfill({ body: Buffer.from(bytes) }) : route.fulfill({ status: 404 });
    });
    await context.route('**/photos/**', (route) =>
      route.fulfill({
        body: readFileSync(
          join(PHOTOS_DIR, decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop()!)),
        ),
      }),
    );
    await page.goto(`${origin}/e2e/web/transformers-check.html`);
    await page.waitForFunction(() => window.captionWithTransformers !== undefined, null, {
      timeout: 120_000,
    });
    return await page.evaluate((r) => window.captionWithTransformers!(r), { ...request, modelId: 'tuned' });
  } finally {
    await context.close();
    await server.close();
  }
}
