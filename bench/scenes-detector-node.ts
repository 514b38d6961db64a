/** bench/scenes-detector.mjs's Node half: the real FastestDet (onnxruntime-node, CPU) through the evidence path. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { CHAIR_SYNONYMS } from '../src/lib/critic/chair-synonyms';
import { buildEvidence } from '../src/lib/critic/evidence';
import { boxFromXywh, iou } from '../src/lib/evidence/boxes';
import { detectAcrossCrops } from '../src/lib/evidence/detect';
import type { RasterImage } from '../src/lib/evidence/raster';
import { parseClassNames } from '../src/lib/models/detector/coco-names';
import { FastestDetDetector } from '../src/lib/models/detector/fastestdet';
import type { CocoInstances } from '../src/lib/scenes/coco-types';
import { PROBE_SIZE_BINS } from '../src/lib/scenes/plan';

const FASTESTDET_DIR = join(import.meta.dirname, '..', 'public', 'models', 'fastestdet');

async function detector(): Promise<FastestDetDetector> {
  const session = await ort.InferenceSession.create(join(FASTESTDET_DIR, 'FastestDet.onnx'));
  return new FastestDetDetector(session, (data, dims) => new ort.Tensor('float32', data, [...dims]), {
    classNames: parseClassNames(readFileSync(join(FASTESTDET_DIR, 'coco.names'), 'utf8')),
  });
}

async function raster(file: string): Promise<RasterImage> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

function readSplit(dir: string, split: string): CocoInstances | null {
  const file = join(dir, split, 'instances.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CocoInstances) : null;
}

const binOf = (fraction: number) => {
  const i = PROBE_SIZE_BINS.findIndex(([lo, hi]) => fraction >= lo * 0.8 && fraction < hi);
  return i < 0 ? 'other' : PROBE_SIZE_BINS[i]!.join('-');
};

export async function measureScenes(dir: string, limit: number, only = ''): Promise<object> {
  const det = await detector();
  const seen = async (split: string, file: string) => {
    const image = await raster(join(dir, split, 'images', file));
    const [found] = await detectAcrossCrops([image], det);
    return buildEvidence(
      { imageWidth: image.width, imageHeight: image.height, detections: found!.detections },
      CHAIR_SYNONYMS,
    ).objects;
  };
  const started = performance.now();
  const single = only === 'empty' ? null : readSplit(dir, 'single');
  const table: Record<
    string,
    Record<string, { n: number; named: number; localised: number; others: number }>
  > = {};
  const otherLabels: Record<string, number> = {};
  if (single) {
    const names = new Map(single.categories.map((c) => [c.id, c.name]));
    const images = limit > 0 ? single.images.slice(0, limit) : single.images;
    for (const image of images) {
      const truth = single.annotations.find((a) => a.image_id === image.id);
      if (!truth) continue;
      const name = names.get(truth.category_id)!;
      const [, , w = 0, h = 0] = truth.bbox;
      const bin = binOf(Math.max(w, h) / image.width);
      const objects = await seen('single', image.file_name);
      const cell = ((table[name] ??= {})[bin] ??= { n: 0, named: 0, localised: 0, others: 0 });
      cell.n += 1;
      const same = objects.filter((o) => o.label === name);
      if (same.length > 0) cell.named += 1;
      if (same.some((o) => iou(o.box, boxFromXywh(truth.bbox)) >= 0.5)) cell.localised += 1;
      for (const o of objects)
        if (o.label !== name) {
          cell.others += 1;
          otherLabels[o.label] = (otherLabels[o.label] ?? 0) + 1;
        }
    }
  }
  const empty = only === 'single' ? null : readSplit(dir, 'empty');
  const emptyLabels: Record<string, number> = {};
  const falseByBackground: Record<string, string[]> = {};
  let emptyScenes = 0;
  let emptyFalse = 0;
  let emptyWithAny = 0;
  if (empty) {
    const manifest = JSON.parse(readFileSync(join(dir, 'scenes.json'), 'utf8'));
    const bgOrder: string[] = [...manifest.backgrounds.train, ...manifest.backgrounds.test];
    const images = limit > 0 ? empty.images.slice(0, limit) : empty.images;
    for (const image of images) {
      const objects = await seen('empty', image.file_name);
      emptyScenes += 1;
      emptyFalse += objects.length;
      if (objects.length > 0) {
        emptyWithAny += 1;
        falseByBackground[bgOrder[(image.id - 1) % bgOrder.length]!] = objects.map((o) => o.label);
      }
      for (const o of objects) emptyLabels[o.label] = (emptyLabels[o.label] ?? 0) + 1;
    }
  }
  const rows = Object.fromEntries(
    Object.entries(table).map(([name, bins]) => [
      name,
      Object.fromEntries(
        Object.entries(bins)
          .sort()
          .map(([bin, c]) => [
            bin,
            {
              scenes: c.n,
              recall: c.named / c.n,
              localised: c.localised / c.n,
              otherObjectsPerScene: c.others / c.n,
            },
          ]),
      ),
    ]),
  );
  return {
    bench: 'scenes-detector',
    data: dir,
    evidence:
      'FastestDet (public/models/fastestdet), zoom levels 1,2,3, detectAcrossCrops + buildEvidence defaults',
    recallPerCategoryAndSize: rows,
    otherLabelsOnSingleScenes: otherLabels,
    empty: {
      scenes: emptyScenes,
      falseObjectsPerScene: emptyScenes ? emptyFalse / emptyScenes : null,
      scenesWithAnyFalseObject: emptyWithAny,
      labels: emptyLabels,
      backgroundsWithFalseObjects: falseByBackground,
    },
    seconds: (performance.now() - started) / 1000,
  };
}
