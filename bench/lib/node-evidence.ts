/** The studio's evidence in Node for benches and generators: the committed FastestDet on onnxruntime-node (CPU), images decoded by sharp. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { CHAIR_SYNONYMS } from '../../src/lib/vocabulary/chair-synonyms';
import type { Evidence } from '../../src/lib/evidence/evidence';
import type { RasterImage } from '../../src/lib/evidence/raster';
import { gatherEvidence } from '../../src/lib/evidence/teacher/evidence-path';
import type { TeacherCache } from '../../src/lib/evidence/teacher/cache';
import type { TeacherSettings } from '../../src/lib/evidence/teacher/types';
import { DEFAULT_CRITIC_SETTINGS } from '../../src/state/slices/critic';
import { toTeacherSettings } from '../../src/state/slices/teacher-settings';
import { memoryCache } from './memory-cache';
import { parseClassNames } from '../../src/lib/evidence/fastestdet/coco-names';
import { FastestDetDetector, STUDIO_FASTESTDET_OPTIONS } from '../../src/lib/evidence/fastestdet/fastestdet';

const FASTESTDET_DIR = join(import.meta.dirname, '..', '..', 'public', 'models', 'fastestdet');

export async function detector(): Promise<FastestDetDetector> {
  const session = await ort.InferenceSession.create(join(FASTESTDET_DIR, 'FastestDet.onnx'));
  return new FastestDetDetector(session, (data, dims) => new ort.Tensor('float32', data, [...dims]), {
    ...STUDIO_FASTESTDET_OPTIONS,
    classNames: parseClassNames(readFileSync(join(FASTESTDET_DIR, 'coco.names'), 'utf8')),
  });
}

export async function raster(file: string): Promise<RasterImage> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

/** The studio's default teacher settings (every zoom level), detector alone: what the critic sees offline. */
export const DEFAULT_TEACHER = toTeacherSettings(DEFAULT_CRITIC_SETTINGS.teacher);

/**
 * Reads the evidence of image files through the studio's own evidence path (gatherEvidence with the committed
 * FastestDet, no Florence-2), a few images per detector call as the teacher worker batches them.
 */
export async function evidenceReader(
  settings: TeacherSettings = DEFAULT_TEACHER,
): Promise<(images: readonly { id: string; path: string }[]) => Promise<Map<string, Evidence>>> {
  const det = await detector();
  const cache: TeacherCache = memoryCache();
  return async (images) => {
    const out = new Map<string, Evidence>();
    for (let i = 0; i < images.length; i += 8) {
      const batch = images.slice(i, i + 8);
      const requests = await Promise.all(
        batch.map(async (im) => ({ imageId: im.id, image: await raster(im.path), caption: null })),
      );
      const outcomes = await gatherEvidence(
        requests,
        { detector: det, florence: null, cache, table: CHAIR_SYNONYMS },
        settings,
      );
      for (const o of outcomes) {
        if (!o.ok) throw new Error(`evidence for image ${o.imageId} failed: ${o.error.message}`);
        out.set(o.imageId, o.result.evidence);
      }
    }
    return out;
  };
}
