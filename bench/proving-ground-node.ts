/**
 * bench/proving-ground.mjs's Node half (issue 13): the studio's own path, round by round, for each arm —
 * caption a training pool (StudentService) → evidence (the real FastestDet, the studio's default teacher
 * settings, detector alone) → the critic (template engine, the studio's refine loop) → the training set the
 * studio would build (records.ts decisions, training-set.ts) → gradient steps with the studio's trainer graphs
 * (TuningService, the seed settings) → re-caption the held-out test splits and score them.
 *
 * Everything runs on onnxruntime-node's CPU EP: it measures what the loop does to the student, not speed.
 */
import type { EvidenceCalibration } from '../src/lib/critic/calibration';
import { measureCalibration } from '../src/lib/critic/calibration';
import { CHAIR_SYNONYMS } from '../src/lib/vocabulary/chair-synonyms';
import { COMMITTED_CALIBRATION } from '../src/lib/critic/evidence-calibration';
import type { Evidence } from '../src/lib/evidence/evidence';
import { TemplateEngine } from '../src/lib/critic/engines/template';
import type { ReplyCache } from '../src/lib/critic/engines/caching-engine';
import { refineImage } from '../src/lib/critic/refine-image';
import { SeededRandom } from '../src/lib/core/rng';
import { canonicalCategory } from '../src/lib/score/student-scores';
import type { CaptionRequest } from '../src/lib/caption/types';
import type { TrainingCaption } from '../src/lib/train/rounds/training-set';
import { DEFAULT_TRAINING_SET_SETTINGS } from '../src/lib/train/rounds/training-set';
import type { TuningSettings } from '../src/lib/train/settings';
import { DEFAULT_TUNING_SETTINGS } from '../src/lib/train/settings';
import type { Arm, CriticFigures, PoolItem } from './lib/proving-arms';
import { ARM_LABELS, CRITIC_ARMS, armTrainingSet, criticFigures } from './lib/proving-arms';
import { memoryCache } from './lib/memory-cache';
import { DEFAULT_TEACHER, evidenceReader } from './lib/node-evidence';
import {
  evaluate,
  nodeStudent,
  testSplits,
  truthOf,
  type NodeStudent,
  type TestFigures,
} from './lib/proving-student';

export { TEST_SPLITS } from './lib/proving-student';
import { BENCH_GENERATION, pixels, splitFolders, splitImages } from './student-node';

export interface ProvingOptions {
  readonly data: string;
  readonly model: string;
  readonly rounds: number;
  readonly seeds: readonly number[];
  /** Training pool images per seed, drawn from the `train` split (never a test split). */
  readonly pool: number;
  /**
   * Train scenes (in no pool) on which the evidence's per-category recall and precision are measured for the
   * (c) arm; 0: the table the studio ships (src/lib/critic/evidence-calibration.json, COCO train photos).
   */
  readonly calibrate: number;
  /** Images per test split (the first ones, the same for every arm and seed). */
  readonly test: number;
  readonly arms: readonly Arm[];
  readonly tuning: Partial<TuningSettings>;
  /** The (f) arm's DPO temperature β and the weight α of its chosen captions' cross-entropy. */
  readonly preference: { readonly beta: number; readonly chosenWeight: number };
}

export interface RoundFigures extends TestFigures {
  /** What the arm trained on this round (none for the untrained student). */
  readonly trained?: {
    readonly samples: number;
    readonly refined: number;
    readonly clean: number;
    readonly skipped: number;
    readonly steps: number;
    readonly finalLoss: number | null;
  };
  /** The critic on this round's pool captions (the arms that use it). */
  readonly critic?: CriticFigures;
  /** The first pool images' captions and what the arm trained on for them, to read what happened. */
  readonly examples?: readonly { readonly caption: string; readonly target: string }[];
}

export interface SeedRun {
  readonly seed: number;
  readonly arms: Partial<Record<Arm, RoundFigures[]>>;
}

/** One seed's pool: the scenes, their pixels and evidence, and one reference caption each. */
interface Pool {
  readonly requests: readonly CaptionRequest[];
  readonly byId: ReadonlyMap<string, CaptionRequest>;
  readonly evidence: ReadonlyMap<string, Evidence>;
  readonly references: ReadonlyMap<string, string>;
}

/** What the critic arms judge with: the engine, its reply cache, the calibration and the synonym table. */
interface CriticSetup {
  readonly engine: TemplateEngine;
  readonly replies: ReplyCache;
  readonly calibration: EvidenceCalibration;
  readonly table: typeof CHAIR_SYNONYMS;
}

/** The student's captions of the pool, each refined by the critic (calibrated for the (c) arm). */
async function refinePool(s: NodeStudent, pool: Pool, arm: Arm, critic: CriticSetup): Promise<PoolItem[]> {
  const items: PoolItem[] = [];
  for (const { imageId, caption } of await s.caption(pool.requests)) {
    const id = String(imageId);
    const evidence = pool.evidence.get(id)!;
    const refined = await refineImage({ imageId: id, caption, evidence }, critic.engine, {
      table: critic.table,
      cache: critic.replies,
      // Every critic arm but (e) judges with calibrated verdicts.
      ...(arm === 'critic' || arm === 'preference' ? { calibration: critic.calibration } : {}),
    });
    items.push({
      imageId: id,
      caption,
      refinement: refined.refinement,
      evidence,
      reference: pool.references.get(id)!,
    });
  }
  return items;
}

/** Gradient steps on the set from `weights` (the base student when null); the student then captions with them. */
async function trainOn(
  s: NodeStudent,
  samples: readonly TrainingCaption[],
  pool: Pool,
  settings: TuningSettings,
  runId: string,
  weights: Uint8Array | null,
): Promise<{ weights: Uint8Array; steps: number; finalLoss: number | null }> {
  let steps = 0;
  let finalLoss: number | null = null;
  let final: Uint8Array | null = null;
  await s.tuning.train(
    {
      runId,
      source: s.source,
      device: 'wasm',
      samples: samples.map((x) => ({
        imageId: x.imageId,
        text: x.text,
        weight: x.weight,
        ...(x.rejected === undefined ? {} : { rejected: x.rejected }),
      })),
      settings,
      ...(weights === null ? {} : { start: { bytes: weights, continues: false } }),
    },
    (event) => {
      if (event.kind === 'step') {
        steps = event.step;
        finalLoss = event.loss;
      }
      if (event.kind === 'checkpoint' && event.final) final = event.bytes;
    },
    async (ids) => ids.map((id) => pool.byId.get(id)!),
  );
  if (final === null) throw new Error(`${runId}: training ended without a final checkpoint`);
  await s.tuning.useWeights(s.source, 'wasm', { bytes: final, label: runId });
  return { weights: final, steps, finalLoss };
}

export async function benchProvingGround(options: ProvingOptions): Promise<object> {
  const started = performance.now();
  const s = await nodeStudent(options.model);
  const settings: TuningSettings = { ...DEFAULT_TUNING_SETTINGS, ...options.tuning };
  const [train] = splitFolders(options.data, ['train']);
  const trainTruth = truthOf(train!);
  const truth = (id: string) =>
    new Set([...trainTruth.categories(id)].map((c) => canonicalCategory(c, CHAIR_SYNONYMS)));
  const tests = await testSplits(options.data, options.test);

  // Evidence does not depend on the caption (detector alone): gathered once per scene.
  const trainImages = splitImages(train!);
  const files = new Map(trainImages.map((im) => [String(im.imageId), im.path]));
  const evidenceOf = new Map<string, Evidence>();
  const readEvidence = await evidenceReader();
  const evidence = async (ids: readonly string[]): Promise<void> => {
    const missing = ids.filter((id) => !evidenceOf.has(id));
    for (const [id, e] of await readEvidence(missing.map((id) => ({ id, path: files.get(id)! }))))
      evidenceOf.set(id, e);
  };
  // With --calibrate N, the last N train scenes measure the evidence (they are in no pool); pools come from the
  // rest. Without, the (c) arm uses the table the studio ships (its "Calibrated verdicts" setting).
  const calibrationIds = trainImages
    .slice(trainImages.length - options.calibrate)
    .map((im) => String(im.imageId));
  const poolCandidates = trainImages.slice(0, trainImages.length - options.calibrate);
  await evidence(calibrationIds);
  const calibration: EvidenceCalibration =
    options.calibrate === 0
      ? COMMITTED_CALIBRATION
      : measureCalibration(
          calibrationIds.map((id) => ({ present: truth(id), evidence: evidenceOf.get(id)! })),
          `${options.calibrate} train scenes of ${options.data} (in no pool)`,
        );
  const critic: CriticSetup = {
    engine: new TemplateEngine(CHAIR_SYNONYMS),
    replies: memoryCache(),
    calibration,
    table: CHAIR_SYNONYMS,
  };

  const baseline = await evaluate(s, tests, 0);
  const runs: SeedRun[] = [];
  for (const seed of options.seeds) {
    const rng = new SeededRandom(seed);
    const scenes = rng
      .permutation(poolCandidates.length)
      .slice(0, options.pool)
      .map((i) => poolCandidates[i]!);
    const requests = await Promise.all(
      scenes.map(async (im) => ({ id: String(im.imageId), image: await pixels(im.path) })),
    );
    await evidence(requests.map((r) => r.id));
    const pool: Pool = {
      requests,
      byId: new Map(requests.map((r) => [r.id, r])),
      evidence: evidenceOf,
      references: new Map(
        requests.map((r) => {
          const refs = trainTruth.captions(r.id);
          return [r.id, refs[Math.floor(rng.next() * refs.length)] ?? ''];
        }),
      ),
    };

    const arms: SeedRun['arms'] = {};
    for (const arm of options.arms) {
      if (arm === 'none') {
        arms.none = Array.from({ length: options.rounds + 1 }, (_, round) => ({ ...baseline, round }));
        continue;
      }
      const figures: RoundFigures[] = [baseline];
      let weights: Uint8Array | null = null;
      for (let round = 1; round <= options.rounds; round++) {
        const items = await refinePool(s, pool, arm, critic);
        const set = armTrainingSet(arm, items, critic, {
          ...DEFAULT_TRAINING_SET_SETTINGS,
          seed: seed + round,
        });
        let trained = { steps: 0, finalLoss: null as number | null };
        if (set.samples.length > 0) {
          const runId = `proving-${arm}-s${seed}-r${round}`;
          const roundSettings: TuningSettings = {
            ...settings,
            seed: seed + round,
            checkpointEvery: 10_000,
            ...(arm === 'preference' ? { objective: { kind: 'preference', ...options.preference } } : {}),
          };
          const done = await trainOn(s, set.samples, pool, roundSettings, runId, weights);
          weights = done.weights;
          trained = done;
        }
        const after = await evaluate(s, tests, round);
        figures.push({
          ...after,
          trained: {
            samples: set.samples.length,
            refined: set.refined,
            clean: set.clean,
            skipped: set.skipped,
            steps: trained.steps,
            finalLoss: trained.finalLoss,
          },
          examples: items.slice(0, 6).map((item) => ({
            caption: item.caption,
            target: set.samples.find((x) => x.imageId === item.imageId)?.text ?? '(not trained on)',
          })),
          ...(CRITIC_ARMS.includes(arm) ? { critic: criticFigures(items, truth, CHAIR_SYNONYMS) } : {}),
        });
        process.stderr.write(
          `seed ${seed} ${arm} round ${round}: ${set.samples.length} samples (${set.refined} rewrites, ${set.clean} clean), ` +
            `complex CHAIR-i ${after.splits['complex']?.chairI.toFixed(3)}, B ${after.bias[0]?.biasRate.toFixed(3)}, ` +
            `${((performance.now() - started) / 60_000).toFixed(1)} min\n`,
        );
      }
      arms[arm] = figures;
      await s.tuning.useWeights(s.source, 'wasm', null);
    }
    runs.push({ seed, arms });
  }
  await s.student.unload();
  return {
    bench: 'proving-ground',
    data: options.data,
    model: s.modelId,
    rounds: options.rounds,
    seeds: options.seeds,
    pool: options.pool,
    testImagesPerSplit: options.test,
    arms: Object.fromEntries(options.arms.map((a) => [a, ARM_LABELS[a]])),
    tuning: settings,
    generation: BENCH_GENERATION,
    evidence: {
      detector: 'fastestdet (public/models/fastestdet)',
      florence: null,
      settings: DEFAULT_TEACHER,
    },
    critic: {
      engine: critic.engine.id,
      backed:
        'the best version scores higher, every object it removes is contradicted and every object it adds confirmed (src/lib/critic/calibration.ts)',
      calibration,
    },
    preference: options.preference,
    notSupported: ['preference score (CLIPScore / PickScore): no real scorer model on disk'],
    minutes: (performance.now() - started) / 60_000,
    runs,
  };
}
