/**
 * The stored training fields as valibot schemas (valid.ts says why and how they fall back). Each schema's
 * output is the slice's own type; the ranges the settings form enforces are checked by the code that owns them
 * (validateTuningSettings), so the stored settings and the form never disagree.
 */
import * as v from 'valibot';
import { ROUND_STAGES, type SchedulerStatus } from '../../lib/train/rounds/scheduler-state';
import type { WeightingMode } from '../../lib/train/rounds/training-set';
import type { LoraRole } from '../../lib/train/graph/selection';
import { validateTuningSettings, type TuningSettings } from '../../lib/train/settings';
import { DEFAULT_LOOP_SETTINGS, DEFAULT_TRAINING_SETTINGS } from '../slices/train';
import { errorInfo, finiteNumber, listOf, mapOf, optionalField, plainObject, wholeNumberFrom } from './valid';

/** What a reload reads back as the status; a run 'pausing' or 'stopping' was saved as paused or stopped. */
export const PERSISTED_STATUSES = [
  'idle',
  'running',
  'paused',
  'stopped',
  'done',
  'failed',
] as const satisfies readonly SchedulerStatus[];
const LORA_ROLES = ['self-attn', 'cross-attn', 'mlp'] as const satisfies readonly LoraRole[];
const WEIGHTINGS = ['uniform', 'target-score', 'improvement'] as const satisfies readonly WeightingMode[];

const trainable = v.variant('kind', [
  v.object({
    kind: v.literal('lora'),
    rank: v.number(),
    alpha: v.number(),
    roles: v.array(v.picklist(LORA_ROLES)),
    lastBlocks: v.optional(v.number()),
  }),
  v.object({ kind: v.literal('last-blocks'), blocks: v.number() }),
  v.object({ kind: v.literal('full') }),
]);

/** validateTuningSettings names the valid ranges; here a value outside them only means "not readable". */
const withinTuningLimits = (settings: TuningSettings): boolean => {
  try {
    validateTuningSettings(settings);
    return true;
  } catch {
    return false;
  }
};

/** The run's settings: all or nothing (the fields depend on each other), missing fields take the default. */
const tuning = v.pipe(
  plainObject,
  v.transform((stored) => ({ ...DEFAULT_TRAINING_SETTINGS.tuning, ...stored })),
  v.fallback(
    v.pipe(
      v.object({
        epochs: v.number(),
        lr: v.number(),
        optimizer: v.picklist(['radam', 'adamw']),
        weightDecay: v.number(),
        maxGradNorm: v.nullable(v.number()),
        batchSize: v.number(),
        accumulation: v.number(),
        trainable,
        schedule: v.picklist(['constant', 'linear', 'cosine']),
        warmupSteps: v.number(),
        maxTokens: v.number(),
        checkpointEvery: v.number(),
        seed: v.number(),
        objective: v.optional(
          v.variant('kind', [
            v.object({ kind: v.literal('caption') }),
            v.object({ kind: v.literal('preference'), beta: v.number(), chosenWeight: v.number() }),
          ]),
        ),
      }),
      v.check((s) => withinTuningLimits(s)),
    ),
    DEFAULT_TRAINING_SETTINGS.tuning,
  ),
);

/** The round loop's settings, field by field. */
const loop = v.pipe(
  plainObject,
  v.object({
    rounds: v.fallback(wholeNumberFrom(1), DEFAULT_LOOP_SETTINGS.rounds),
    complexityThreshold: v.fallback(
      v.pipe(finiteNumber, v.minValue(0)),
      DEFAULT_LOOP_SETTINGS.complexityThreshold,
    ),
    weighting: v.fallback(v.picklist(WEIGHTINGS), DEFAULT_LOOP_SETTINGS.weighting),
    cleanRatio: v.fallback(v.pipe(finiteNumber, v.minValue(0)), DEFAULT_LOOP_SETTINGS.cleanRatio),
    keepLast: v.fallback(wholeNumberFrom(0), DEFAULT_LOOP_SETTINGS.keepLast),
  }),
);

/** Without both parts (a value from before they existed, or damage) the settings are the defaults. */
const settings = v.fallback(v.object({ tuning, loop }), DEFAULT_TRAINING_SETTINGS);

const position = v.object({ round: wholeNumberFrom(0), stage: v.picklist(ROUND_STAGES) });

/** A chart point needs its round, step and loss; `epoch` is only shown, so a missing one reads as 0. */
const lossPoint = v.object({
  round: finiteNumber,
  step: finiteNumber,
  epoch: v.fallback(finiteNumber, 0),
  loss: finiteNumber,
});

const splitValue = v.object({
  all: v.nullable(v.number()),
  simple: v.nullable(v.number()),
  complex: v.nullable(v.number()),
  counts: v.object({ all: v.number(), simple: v.number(), complex: v.number() }),
});
/** A metric that does not read back is shown as not measured (null), as one the round never counted. */
const metric = v.fallback(v.nullable(splitValue), null);
const roundScores = v.object({
  round: finiteNumber,
  summary: v.pipe(
    plainObject,
    v.object({
      images: v.fallback(finiteNumber, 0),
      criticScore: metric,
      hallucinationRate: metric,
      chairI: metric,
      chairS: metric,
      recall: v.fallback(v.optional(v.nullable(splitValue)), undefined),
      clipScore: metric,
      pickScore: metric,
    }),
  ),
});

const captionScores = v.object({
  critic: optionalField(v.number()),
  clip: optionalField(v.number()),
  pick: optionalField(v.number()),
  chairI: optionalField(v.number()),
});
const scoresField = optionalField(captionScores);
const imageOutcome = v.pipe(
  plainObject,
  v.object({
    original: optionalField(v.string()),
    target: optionalField(v.string()),
    tuned: optionalField(v.string()),
    originalScores: scoresField,
    targetScores: scoresField,
    tunedScores: scoresField,
    objectCount: optionalField(v.number()),
  }),
);

/** A row needs its id and step (what resuming looks up); the rest falls back field by field. */
const checkpointRow = v.object({
  id: v.string(),
  runId: v.fallback(v.string(), ''),
  round: v.fallback(finiteNumber, 0),
  step: finiteNumber,
  epoch: v.fallback(finiteNumber, 0),
  kind: v.fallback(v.picklist(['interval', 'round-end']), 'interval'),
  createdAt: v.fallback(finiteNumber, 0),
  byteLength: v.fallback(finiteNumber, 0),
  loss: v.fallback(v.nullable(finiteNumber), null),
});

/**
 * Imported COCO annotations: the counts and file name whole or not at all (CHAIR counted against half a file
 * would mislead); a damaged match is dropped; without `synonyms` the CHAIR list (the import's default).
 */
const coco = v.object({
  fileName: v.string(),
  matches: mapOf(v.object({ cocoId: v.number(), objects: v.array(v.string()) })),
  annotatedImages: v.number(),
  unmatched: v.number(),
  synonyms: v.fallback(v.picklist(['chair-list', 'category-names']), 'chair-list'),
});

export const persistedTraining = v.object({
  settings,
  status: v.fallback(v.picklist(PERSISTED_STATUSES), 'idle'),
  position: v.fallback(v.nullable(position), null),
  runIds: mapOf(v.string()),
  losses: listOf(lossPoint),
  scores: listOf(roundScores),
  images: mapOf(imageOutcome),
  checkpoints: listOf(checkpointRow),
  active: v.fallback(v.nullable(v.string()), null),
  error: v.fallback(v.nullable(errorInfo), null),
  coco: v.fallback(v.nullable(coco), null),
});
