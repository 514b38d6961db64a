/**
 * `npm run scenes -- --data DIR [--data DIR2] --out OUT [--seed S] [--train N] [--test N] [--size 224]
 *   [--bias A:B[,C:D]] [--categories a,b,c] [--probe N]`
 *
 * Composes scenes with exact ground truth from COCO cut-outs (src/lib/scenes, README there). The TypeScript runs
 * through Vite's SSR loader, the way the Node benchmarks run (bench/lib/ssr.mjs).
 */
import { withSsrModule } from '../bench/lib/ssr.mjs';

await withSsrModule('/scripts/scenes-node.ts', async ({ main, ScenesUsageError }) => {
  try {
    console.log(JSON.stringify(await main(process.argv.slice(2)), null, 2));
  } catch (error) {
    if (error instanceof ScenesUsageError) {
      console.error(error.message);
      process.exitCode = 2;
    } else throw error;
  }
});
