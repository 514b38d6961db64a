/** Reads the PyTorch fixtures written by tools/make_grad_fixtures.py (test/fixtures/grad) from disk. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GradFixtureData, type FixtureManifest } from './grad-fixture-data';

export {
  relativeMaxError,
  type FixtureArray,
  type FixtureConfig,
  type FixtureManifest,
} from './grad-fixture-data';

export const GRAD_FIXTURES = join(__dirname, '../../../../fixtures/grad');

export const manifest = JSON.parse(
  readFileSync(join(GRAD_FIXTURES, 'manifest.json'), 'utf8'),
) as FixtureManifest;

export class GradFixture extends GradFixtureData {
  constructor(name: string) {
    const bin = readFileSync(join(GRAD_FIXTURES, `${name}.bin`));
    super(
      name,
      manifest,
      new Uint8Array(readFileSync(join(GRAD_FIXTURES, `${name}.onnx`))),
      bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    );
  }
}
