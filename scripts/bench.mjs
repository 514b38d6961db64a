/**
 * `npm run bench -- NAME [options]`: runs bench/NAME.mjs and prints its result as JSON.
 * Benchmarks measure; they never assert (performance is not a test).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const available = readdirSync(benchDir)
  .filter((name) => name.endsWith('.mjs'))
  .map((name) => name.slice(0, -'.mjs'.length));
const [name, ...rest] = process.argv.slice(2);

if (name === undefined || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME [options]; NAME is one of: ${available.join(', ')}`);
  process.exit(2);
}
const file = join(benchDir, `${name}.mjs`);
if (!existsSync(file)) throw new Error(`missing ${file}`);
const { run } = await import(pathToFileURL(file).href);
const result = await run(rest);
console.log(JSON.stringify(result, null, 2));
