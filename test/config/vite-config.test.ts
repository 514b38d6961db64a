import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, loadConfigFromFile } from 'vite';
import { describe, expect, it } from 'vitest';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Loads a config the way `npm start`, `vite build` and Vitest do, and returns every warning Vite logs
 * while bundling it: for instance an import without a file extension, which Vite's future native config
 * loader cannot resolve, is a warning that each of those commands would print to a newcomer.
 */
async function warningsWhileLoading(configFile: string): Promise<string[]> {
  const warnings: string[] = [];
  const logger = createLogger('warn');
  logger.warn = (message) => void warnings.push(message);
  logger.warnOnce = (message) => void warnings.push(message);
  const loaded = await loadConfigFromFile(
    { command: 'serve', mode: 'development' },
    join(repoRoot, configFile),
    repoRoot,
    'warn',
    logger,
  );
  expect(loaded, `${configFile} did not load`).not.toBeNull();
  return warnings;
}

describe('the Vite and Vitest configs', () => {
  it.each(['vite.config.ts', 'vitest.config.ts'])('%s loads without a warning', async (configFile) => {
    expect(await warningsWhileLoading(configFile)).toEqual([]);
  });
});
