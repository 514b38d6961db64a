/**
 * bench/coco.mjs's Node half (issue 17 §1): the studio's own evidence path (gatherEvidence with the committed
 * FastestDet, no Florence-2) and critic (checkCaption, calibrated verdicts, the template engine's refine loop) on a
 * folder in standard COCO layout, against its annotations and human captions. Measures, asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { SeededRandom } from '../src/lib/core/rng';
import type { EvidenceCalibration } from '../src/lib/critic/calibration';
import { DEFAULT_VERDICT_THRESHOLDS } from '../src/lib/critic/calibration';
import { CHAIR_SYNONYMS } from '../src/lib/vocabulary/chair-synonyms';
import { TemplateEngine } from '../src/lib/critic/engines/template';
import type { Evidence } from '../src/lib/evidence/evidence';
import { refineImage } from '../src/lib/critic/refine-image';
import { wordDiff } from '../src/lib/critic/word-diff';
import { CORROBORATED_SCORES, UNCORROBORATED_SCORES } from '../src/lib/evidence/corroborate';
import { planCrops } from '../src/lib/evidence/crops';
import { computeChair } from '../src/lib/score/chair';
import { gatherEvidence } from '../src/lib/evidence/teacher/evidence-path';
import type { TeacherSettings } from '../src/lib/evidence/teacher/types';
import type { CocoImage } from './lib/coco-folder';
import { complexityOf, readCocoFolder } from './lib/coco-folder';
import type { InjectedCaption } from './lib/coco-injection';
import { CoOccurrence, injectCaptions } from './lib/coco-injection';
import type {
  CriticFigures,
  CriticPolicy,
  EvidenceFigures,
  JudgedImage,
  Rate,
  TradeOffPoint,
} from './lib/coco-figures';
import { criticFigures, evidenceFigures, rate, tradeOffCurve } from './lib/coco-figures';
import { memoryCache } from './lib/memory-cache';
import { nodeFlorence } from './lib/node-florence';
import type { CriticEngine } from '../src/lib/critic/engines/engine';
import type { FlorenceRuntime } from '../src/lib/evidence/teacher/florence-runtime';
import { calibrate } from './lib/calibrate';
import { DEFAULT_TEACHER, detector, raster } from './lib/node-evidence';

export interface CocoBenchOptions {
  readonly data: string;
  /** Evidence configurations to compare: grid sizes, and whether zoomed boxes need a witness. */
  readonly zooms: readonly ZoomConfig[];
  readonly seed: number;
  /** First N images only (0: all). */
  readonly limit: number;
  /** The table calibrated verdicts use, unless `calibrateOn` names folders to measure one per configuration on. */
  readonly calibration: EvidenceCalibration;
  readonly calibrationSource: string;
  readonly calibrateOn: readonly string[];
  /** A Florence-2 model id under public/models/ to add its evidence (all four tasks), or none: the detector alone. */
  readonly florence?: string;
  /** The engine for the rewrite (default: the template engine); verdict figures are always the rule checker's. */
  readonly engine?: CriticEngine;
}

const SPLITS = ['all', 'simple', 'complex'] as const;
type Split = (typeof SPLITS)[number];
const inSplit = (image: CocoImage, split: Split) => split === 'all' || complexityOf(image) === split;

export interface ZoomConfig {
  readonly grids: readonly number[];
  /** Zoomed boxes count only with a higher score and a witness in a coarser crop (CORROBORATED_SCORES). */
  readonly corroborated: boolean;
}

export interface ZoomReport extends ZoomConfig {
  readonly calibrationMeasuredOn: string;
  readonly tradeOff: readonly TradeOffPoint[];
  readonly rewrite: Readonly<Record<'uncalibrated' | 'calibrated', RewriteFigures>>;
  readonly timing: {
    readonly msPerImage: number;
    readonly cropsPerImage: number;
    readonly msPerCrop: number;
  };
  readonly evidence: Readonly<Record<Split, EvidenceFigures>>;
  readonly critic: Readonly<Record<'uncalibrated' | 'calibrated', Readonly<Record<Split, CriticFigures>>>>;
}

export interface RewriteFigures {
  readonly captions: number;
  readonly chairIBefore: number | null;
  readonly chairIAfter: number | null;
  readonly chairSBefore: number | null;
  readonly chairSAfter: number | null;
  /** Annotated categories named, pooled over captions. */
  readonly recallBefore: Rate;
  readonly recallAfter: Rate;
  /** Words added plus words removed, per caption. */
  readonly wordsChangedPerCaption: number;
  readonly rewritten: Rate;
}

export const zoomLabel = ({ grids, corroborated }: ZoomConfig): string =>
  grids.map((g) => (g === 1 ? 'whole image' : `${g}×${g}`)).join(' + ') +
  (corroborated && grids.some((g) => g > 1) ? ', zoomed boxes corroborated' : '');

function teacherSettings({ grids, corroborated }: ZoomConfig): TeacherSettings {
  return {
    ...DEFAULT_TEACHER,
    crops: { ...DEFAULT_TEACHER.crops, grids: [...grids] },
    detectionScores: corroborated ? CORROBORATED_SCORES : UNCORROBORATED_SCORES,
    denseRegionZooms: DEFAULT_TEACHER.denseRegionZooms.filter((z) => grids.includes(z)),
  };
}

async function evidenceFor(
  images: readonly CocoImage[],
  dir: string,
  settings: TeacherSettings,
  florence: FlorenceRuntime | null,
): Promise<{ evidence: Map<number, Evidence>; ms: number; crops: number }> {
  const det = await detector();
  const evidence = new Map<number, Evidence>();
  let ms = 0;
  let crops = 0;
  for (let i = 0; i < images.length; i += 8) {
    const batch = images.slice(i, i + 8);
    const requests = await Promise.all(
      batch.map(async (im) => ({
        imageId: String(im.id),
        image: await raster(join(dir, 'images', im.fileName)),
        caption: null,
      })),
    );
    const started = performance.now();
    const outcomes = await gatherEvidence(
      requests,
      { detector: det, florence, cache: memoryCache(), table: CHAIR_SYNONYMS },
      settings,
    );
    ms += performance.now() - started;
    for (const o of outcomes) {
      if (!o.ok) throw new Error(`evidence for image ${o.imageId} failed: ${o.error.message}`);
      evidence.set(Number(o.imageId), o.result.evidence);
      crops += planCrops(o.result.evidence.imageWidth, o.result.evidence.imageHeight, settings.crops).length;
    }
  }
  return { evidence, ms, crops };
}

/** CHAIR (metrics/chair.ts, default mode, instances only) of captions each with its image's categories, and recall. */
function chairOf(captions: readonly { caption: string; present: ReadonlySet<string> }[]) {
  // One ground-truth entry per caption: computeChair looks objects up by image id.
  const truth = {
    objectsByImageId: new Map(captions.map((c, i) => [i, c.present])),
    imageIdByFileName: new Map<string, number>(),
  };
  const chair = computeChair(
    captions.map(({ caption }, imageId) => ({ imageId, caption })),
    truth,
    CHAIR_SYNONYMS,
  );
  let named = 0;
  let present = 0;
  chair.sentences.forEach((sentence, i) => {
    const gt = captions[i]!.present;
    const cats = new Set(sentence.mentions.map((w) => w.category));
    named += [...gt].filter((c) => cats.has(c)).length;
    present += gt.size;
  });
  return {
    chairI: chair.mentions === 0 ? null : chair.chairI,
    chairS: captions.length === 0 ? null : chair.chairS,
    recall: rate(named, present),
  };
}

/** The refine loop (template engine) on every injected caption; CHAIR and recall before and after. */
async function rewriteFigures(
  images: readonly JudgedImage[],
  policy: CriticPolicy,
  engine: CriticEngine,
): Promise<RewriteFigures> {
  const cache = memoryCache();
  const before: { caption: string; present: ReadonlySet<string> }[] = [];
  const after: { caption: string; present: ReadonlySet<string> }[] = [];
  let changedWords = 0;
  let rewritten = 0;
  let n = 0;
  for (const { image, evidence, injected } of images) {
    for (const v of injected) {
      const id = `${image.id}:${n++}`;
      const r = await refineImage({ imageId: id, caption: v.caption, evidence }, engine, {
        table: CHAIR_SYNONYMS,
        cache,
        ...(policy.kind === 'calibrated' ? { calibration: policy.table } : {}),
      });
      const final = r.refinement.versions[r.refinement.best]!.caption;
      before.push({ caption: v.caption, present: image.present });
      after.push({ caption: final, present: image.present });
      const diff = wordDiff(v.caption, final).filter((p) => p.op !== 'same');
      changedWords += diff.reduce((s, p) => s + p.text.trim().split(/\s+/).filter(Boolean).length, 0);
      if (final !== v.caption) rewritten++;
    }
  }
  const b = chairOf(before);
  const a = chairOf(after);
  return {
    captions: before.length,
    chairIBefore: b.chairI,
    chairIAfter: a.chairI,
    chairSBefore: b.chairS,
    chairSAfter: a.chairS,
    recallBefore: b.recall,
    recallAfter: a.recall,
    wordsChangedPerCaption: before.length === 0 ? 0 : changedWords / before.length,
    rewritten: rate(rewritten, before.length),
  };
}

export async function benchCoco(o: CocoBenchOptions) {
  const all = readCocoFolder(
    JSON.parse(readFileSync(join(o.data, 'instances.json'), 'utf8')),
    JSON.parse(readFileSync(join(o.data, 'captions.json'), 'utf8')),
    CHAIR_SYNONYMS,
  );
  const images = o.limit > 0 ? all.slice(0, o.limit) : all;
  const cooc = new CoOccurrence(all.map((im) => im.present));
  const rng = new SeededRandom(o.seed);
  const injected = new Map<number, InjectedCaption[]>(
    images.map((im) => [im.id, injectCaptions(im.captions, im.present, cooc, rng, CHAIR_SYNONYMS)]),
  );
  const categories = CHAIR_SYNONYMS.categories;
  const florence = o.florence === undefined ? null : await nodeFlorence(o.florence);
  const engine = o.engine ?? new TemplateEngine(CHAIR_SYNONYMS);
  const thresholds = Array.from({ length: 11 }, (_, i) => Math.round((0.5 + i * 0.05) * 100) / 100);
  const zooms: ZoomReport[] = [];
  for (const config of o.zooms) {
    const teacher = teacherSettings(config);
    // The calibration must describe the evidence it judges: measured with this configuration where asked.
    const calibration =
      o.calibrateOn.length > 0
        ? await calibrate(o.calibrateOn, 0, teacher, zoomLabel(config))
        : o.calibration;
    const policies: Record<'uncalibrated' | 'calibrated', CriticPolicy> = {
      uncalibrated: { kind: 'uncalibrated' },
      calibrated: { kind: 'calibrated', table: calibration },
    };
    const { evidence, ms, crops } = await evidenceFor(images, o.data, teacher, florence);
    const judged = images.map((image) => ({
      image,
      evidence: evidence.get(image.id)!,
      injected: injected.get(image.id)!,
    }));
    const per = <T>(f: (subset: JudgedImage[]) => T) =>
      Object.fromEntries(SPLITS.map((s) => [s, f(judged.filter((j) => inSplit(j.image, s)))])) as Record<
        Split,
        T
      >;
    zooms.push({
      ...config,
      calibrationMeasuredOn: calibration.measuredOn,
      timing: {
        msPerImage: ms / images.length,
        cropsPerImage: crops / images.length,
        msPerCrop: ms / Math.max(1, crops),
      },
      evidence: per((subset) => evidenceFigures(subset, categories)),
      critic: {
        uncalibrated: per((subset) => criticFigures(subset, CHAIR_SYNONYMS, policies.uncalibrated)),
        calibrated: per((subset) => criticFigures(subset, CHAIR_SYNONYMS, policies.calibrated)),
      },
      tradeOff: tradeOffCurve(judged, CHAIR_SYNONYMS, calibration, thresholds),
      rewrite: {
        uncalibrated: await rewriteFigures(judged, policies.uncalibrated, engine),
        calibrated: await rewriteFigures(judged, policies.calibrated, engine),
      },
    });
    process.stderr.write(
      `${zoomLabel(config)}: ${images.length} images, ${(ms / images.length).toFixed(0)} ms per image\n`,
    );
  }
  const count = (s: Split) => images.filter((im) => inSplit(im, s)).length;
  return {
    bench: 'coco',
    data: basename(resolve(o.data)),
    images: Object.fromEntries(SPLITS.map((s) => [s, count(s)])),
    captions: images.reduce((s, im) => s + im.captions.length, 0),
    injected: [...injected.values()].reduce((s, v) => s + v.length, 0),
    seed: o.seed,
    evidenceSource: `the committed FastestDet (public/models/fastestdet)${o.florence ? ` and Florence-2 '${o.florence}' (all four tasks)` : ', no Florence-2'}`,
    rewriteEngine: engine.id,
    groundTruth:
      'COCO instance annotations only (crowd regions count as present, their boxes are left out of box recall)',
    calibration: {
      source:
        o.calibrateOn.length > 0
          ? `measured per configuration on ${o.calibrateOn.join(', ')}`
          : o.calibrationSource,
      thresholds: DEFAULT_VERDICT_THRESHOLDS,
    },
    zooms,
  };
}

export type CocoBenchResult = Awaited<ReturnType<typeof benchCoco>>;
