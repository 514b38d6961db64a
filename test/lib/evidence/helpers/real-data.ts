/** Real photos, annotations and the real FastestDet from ../shared/data (SHARED_DIR overrides). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import type { RasterImage } from '../../../../src/lib/evidence/raster';
import { parseClassNames } from '../../../../src/lib/models/detector/coco-names';
import { FastestDetDetector } from '../../../../src/lib/models/detector/fastestdet';
import type { SessionLike } from '../../../../src/lib/models/detector/session';
import { parseSynonyms } from '../../../../src/lib/critic/synonyms';
import type { SynonymTable } from '../../../../src/lib/critic/synonyms';

export const SHARED_DATA = join(process.env.SHARED_DIR ?? '../shared', 'data');
export const FASTESTDET_DIR = join(SHARED_DATA, 'models', 'fastestdet');

export async function loadRaster(file: string): Promise<RasterImage> {
  const { data, info } = await sharp(join(SHARED_DATA, 'images', file))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

export function fastestDetClassNames(): string[] {
  return parseClassNames(readFileSync(join(FASTESTDET_DIR, 'coco.names'), 'utf8'));
}

export const ortTensor = (data: Float32Array, dims: readonly number[]) =>
  new ort.Tensor('float32', data, [...dims]);

export async function fastestDetSession(): Promise<SessionLike> {
  return ort.InferenceSession.create(join(FASTESTDET_DIR, 'FastestDet.onnx'));
}

export async function realFastestDet(session?: SessionLike): Promise<FastestDetDetector> {
  return new FastestDetDetector(session ?? (await fastestDetSession()), ortTensor, {
    classNames: fastestDetClassNames(),
  });
}

export function chairSynonyms(): SynonymTable {
  return parseSynonyms(readFileSync(join(SHARED_DATA, 'annotations', 'chair_synonyms.txt'), 'utf8'));
}

export function cocoInstances(file: string): unknown {
  return JSON.parse(readFileSync(join(SHARED_DATA, 'annotations', file), 'utf8'));
}
