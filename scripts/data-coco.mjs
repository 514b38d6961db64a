/**
 * `npm run data:coco -- --split val2017 --count N --out DIR [--seed S] [--min-categories K] [--annotations ZIP]`
 *
 * Downloads a COCO folder in standard layout (DIR/images/, DIR/instances.json, DIR/captions.json: the official
 * 2017 annotations restricted to N images chosen by seed) from the COCO site, on a machine with internet. The
 * work is in scripts/data-coco-node.ts, run through Vite's SSR loader as the other scripts' TypeScript is.
 * Prints a JSON summary; progress goes to stderr. Exits with 2 on bad flags, 1 on a failed download.
 */
import { withSsrModule } from '../bench/lib/ssr.mjs';

await withSsrModule(
  '/scripts/data-coco-node.ts',
  async ({ main, DataCocoError, DataCocoUsageError, ZipFormatError }) => {
    try {
      console.log(JSON.stringify(await main(process.argv.slice(2)), null, 2));
    } catch (error) {
      // Errors of this command explain themselves; a stack would only hide the message.
      if (error instanceof DataCocoUsageError) {
        console.error(error.message);
        process.exitCode = 2;
      } else if (error instanceof DataCocoError || error instanceof ZipFormatError) {
        console.error(error.message);
        process.exitCode = 1;
      } else throw error;
    }
  },
);
