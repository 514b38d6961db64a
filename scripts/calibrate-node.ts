/** scripts/calibrate.mjs's Node half: measures the calibration (bench/lib/calibrate.ts) and writes it. */
import { writeFileSync } from 'node:fs';
import { calibrate } from '../bench/lib/calibrate';

export async function main(argv: { data: string[]; out?: string; limit: number }): Promise<object> {
  const calibration = await calibrate(argv.data, argv.limit);
  if (argv.out) writeFileSync(argv.out, JSON.stringify(calibration, null, 2) + '\n');
  return calibration;
}
