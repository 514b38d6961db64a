/** Real photos and annotations (test/fixtures) and the real FastestDet (public/models/fastestdet). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import type { RasterImage } from '../../../../src/lib/evidence/raster';
import { parseClassNames } from '../../../../src/lib/evidence/fastestdet/coco-names';
import { FastestDetDetector } from '../../../../src/lib/evidence/fastestdet/fastestdet';
import type { SessionLike } from '../../../../src/lib/evidence/fastestdet/session';
import { ANNOTATIONS_DIR, FASTESTDET_DIR, PHOTOS_DIR } from '../../../support/fixtures';

export { FASTESTDET_DIR };

export async function loadRaster(file: string): Promise<RasterImage> {
  const { data, info } = await sharp(join(PHOTOS_DIR, file))
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

export function cocoInstances(file: string): unknown {
  return JSON.parse(readFileSync(join(ANNOTATIONS_DIR, file), 'utf8'));
}
