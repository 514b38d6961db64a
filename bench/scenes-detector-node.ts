/** bench/scenes-detector.mjs's Node half: the real FastestDet (onnxruntime-node, CPU) through the evidence path. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAIR_SYNONYMS } from '../src/lib/vocabulary/chair-synonyms';
import type { EvidenceObject } from '../src/lib/evidence/evidence';
import { buildEvidence } from '../src/lib/evidence/evidence';
import { boxFromXywh, iou } from '../src/lib/evidence/boxes';
import { detectAcrossCrops } from '../src/lib/evidence/detect';
import type { CocoInstances } from '../src/lib/scenes/coco-types';
import { PROBE_SIZE_BINS } from '../src/lib/scenes/plan';
import { detector, raster } from './lib/node-evidence';

function readSplit(dir: string, split: string): CocoInstances | null {
  const file = join(dir, split, 'instances.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CocoInstances) : null;
}

const binOf = (fraction: number) => {
  const i = PROBE_SIZE_BINS.findIndex(([lo, hi]) => fraction >= lo * 0.8 && fraction < hi);
  return i < 0 ? 'other' : PROBE_SIZE_BINS[i]!.join('-');
};

/** 95 % Wilson score interval of a proportion (k successes in n): honest at small n and near 0 or 1. */
export function wilson95(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return [r(Math.max(0, centre - half)), r(Math.min(1, centre + half))];
}

type Seen = (split: string, file: string) => Promise<readonly EvidenceObject[]>;

async function evidenceReader(dir: string): Promise<Seen> {
  const det = await detector();
  return async (split, file) => {
    const image = await raster(join(dir, split, 'images', file));
    const [found] = await detectAcrossCrops([image], det);
    return buildEvidence(
      { imageWidth: image.width, imageHeight: image.height, detections: found!.detections },
      CHAIR_SYNONYMS,
    ).objects;
  };
}

/**
 * A data set's own splits as they are (simple, complex, bias, control, heldout): per split, the fraction of
 * annotated (scene, category) pairs the evidence names, the categories it names that the scene does not hold
 * (per scene), and on bias/control scenes how often it names the pair's B although B is absent.
 */
export async function measureSplits(dir: string, splits: readonly string[], limit: number): Promise<object> {
  const seen = await evidenceReader(dir);
  const started = performance.now();
  const manifest = JSON.parse(readFileSync(join(dir, 'scenes.json'), 'utf8'));
  const out: Record<string, object> = {};
  for (const split of splits) {
    const coco = readSplit(dir, split);
    if (!coco) continue;
    const names = new Map(coco.categories.map((c) => [c.id, c.name]));
    const pairOf = new Map<string, string>(
      (manifest.splits?.[split]?.pairs ?? [])
        .filter((p: { b?: { name: string } }) => p.b)
        .map((p: { file: string; b: { name: string } }) => [p.file, p.b.name]),
    );
    const images = limit > 0 ? coco.images.slice(0, limit) : coco.images;
    const perCategory: Record<string, { present: number; named: number }> = {};
    const claimedAbsent: Record<string, number> = {};
    let present = 0;
    let named = 0;
    let absentClaims = 0;
    let bScenes = 0;
    let bClaimed = 0;
    for (const image of images) {
      const truth = new Set(
        coco.annotations.filter((a) => a.image_id === image.id).map((a) => names.get(a.category_id)!),
      );
      const labels = new Set((await seen(split, image.file_name)).map((o) => o.label));
      for (const t of truth) {
        const c = (perCategory[t] ??= { present: 0, named: 0 });
        c.present += 1;
        present += 1;
        if (labels.has(t)) {
          c.named += 1;
          named += 1;
        }
      }
      for (const l of labels)
        if (!truth.has(l)) {
          absentClaims += 1;
          claimedAbsent[l] = (claimedAbsent[l] ?? 0) + 1;
        }
      const b = pairOf.get(image.file_name);
      if (b && !truth.has(b)) {
        bScenes += 1;
        if (labels.has(b)) bClaimed += 1;
      }
    }
    out[split] = {
      scenes: images.length,
      recall: present ? named / present : null,
      recallWilson95: wilson95(named, present),
      recallPerCategory: Object.fromEntries(
        Object.entries(perCategory).map(([k, c]) => [
          k,
          { present: c.present, recall: c.named / c.present, wilson95: wilson95(c.named, c.present) },
        ]),
      ),
      absentCategoriesNamedPerScene: images.length ? absentClaims / images.length : null,
      absentCategoriesNamed: claimedAbsent,
      ...(bScenes > 0
        ? {
            absentBScenes: bScenes,
            absentBNamed: bClaimed / bScenes,
            absentBWilson95: wilson95(bClaimed, bScenes),
          }
        : {}),
    };
  }
  return { bench: 'scenes-detector', data: dir, splits: out, seconds: (performance.now() - started) / 1000 };
}

export async function measureScenes(dir: string, limit: number, only = ''): Promise<object> {
  const seen = await evidenceReader(dir);
  const started = performance.now();
  const single = only === 'empty' ? null : readSplit(dir, 'single');
  const table: Record<
    string,
    Record<string, { n: number; named: number; localised: number; others: number }>
  > = {};
  const otherLabels: Record<string, number> = {};
  // Per scene, so that intervals, pooled size ranges and per-side rates can be computed from one run.
  const singleScenes: Array<{ category: string; size: number; named: boolean; others: string[] }> = [];
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
      singleScenes.push({
        category: name,
        size: Math.round((Math.max(w, h) / image.width) * 1000) / 1000,
        named: same.length > 0,
        others: objects.filter((o) => o.label !== name).map((o) => o.label),
      });
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
  const emptyScenesList: Array<{ background: string; side: 'train' | 'test'; labels: string[] }> = [];
  let emptyScenes = 0;
  let emptyFalse = 0;
  let emptyWithAny = 0;
  if (empty) {
    const manifest = JSON.parse(readFileSync(join(dir, 'scenes.json'), 'utf8'));
    const bgOrder: string[] = [...manifest.backgrounds.train, ...manifest.backgrounds.test];
    const testSide = new Set<string>(manifest.backgrounds.test);
    const images = limit > 0 ? empty.images.slice(0, limit) : empty.images;
    for (const image of images) {
      const objects = await seen('empty', image.file_name);
      emptyScenes += 1;
      emptyFalse += objects.length;
      const background = bgOrder[(image.id - 1) % bgOrder.length]!;
      const labels = objects.map((o) => o.label);
      emptyScenesList.push({ background, side: testSide.has(background) ? 'test' : 'train', labels });
      if (objects.length > 0) {
        emptyWithAny += 1;
        // A photo seen twice (more empty scenes than photos) keeps every false object from both crops.
        falseByBackground[background] = [...(falseByBackground[background] ?? []), ...labels];
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
  const pooled: Record<string, { scenes: number; named: number }> = {};
  for (const r of singleScenes) {
    const c = (pooled[r.category] ??= { scenes: 0, named: 0 });
    c.scenes += 1;
    if (r.named) c.named += 1;
  }
  return {
    bench: 'scenes-detector',
    data: dir,
    evidence:
      'FastestDet (public/models/fastestdet), zoom levels 1,2,3, detectAcrossCrops + buildEvidence defaults',
    recallPerCategoryAndSize: rows,
    recallPerCategory: Object.fromEntries(
      Object.entries(pooled).map(([k, c]) => [
        k,
        { scenes: c.scenes, recall: c.named / c.scenes, wilson95: wilson95(c.named, c.scenes) },
      ]),
    ),
    otherLabelsOnSingleScenes: otherLabels,
    singleScenes,
    empty: {
      scenes: emptyScenes,
      falseObjectsPerScene: emptyScenes ? emptyFalse / emptyScenes : null,
      scenesWithAnyFalseObject: emptyWithAny,
      labels: emptyLabels,
      backgroundsWithFalseObjects: falseByBackground,
      scenesList: emptyScenesList,
    },
    seconds: (performance.now() - started) / 1000,
  };
}
