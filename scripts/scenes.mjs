/**
 * `npm run scenes -- --data DIR [--data DIR2] --out OUT [--seed S] [--train N] [--test N] [--size 224]
 *   [--bias A:B[,C:D]] [--categories a,b,c] [--probe N]`
 *
 * Composes scenes with exact ground truth from COCO cut-outs (src/lib/scenes, README there). The TypeScript runs
 * through Vite's SSR loader, the way the Node benchmarks run (bench/lib/train-runners.mjs).
 */
import { createServer } from 'vite';

const server = await createServer({
  configFile: false,
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false },
  appType: 'custom',
});
try {
  const { main, ScenesUsageError } = await server.ssrLoadModule('/scripts/scenes-node.ts');
  try {
    console.log(JSON.stringify(await main(process.argv.slice(2)), null, 2));
  } catch (error) {
    if (error instanceof ScenesUsageError) {
      console.error(error.message);
      process.exitCode = 2;
    } else throw error;
  }
} finally {
  await server.close();
}
