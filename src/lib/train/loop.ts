/**
 * One training run: epochs of shuffled micro-batches through a trainer, with checkpoints every N steps and at
 * the end, cooperative pause/stop between steps, and issue 5's guardrails carried out as train-loop/guardrails
 * decides them:
 * - a non-finite loss (or gradient norm): the step is skipped (the trainer changed nothing), the learning rate
 *   is lowered, a notice goes out; a run that keeps diverging halts with TrainingHaltedError;
 * - out of memory: the batch is halved and accumulation doubled; the trainer is rebuilt for the new shape from
 *   its own current state (a partial accumulation is applied first), and the micro-batch is tried again;
 * - a lost device: a new trainer from the last checkpoint of this run (or the run's start), the cursor and the
 *   loss curve rewound to it.
 *
 * The cursor is a sample offset into each epoch's permutation (the same permutation whatever the batch size),
 * so a resumed run, or one whose batch was halved, sees the samples in the same order.
 */
import { encodeCheckpoint, type Checkpoint } from './checkpoints/format';
import { makeBatch, type SpecialTokens, type TrainingSample } from './graph/batches';
import type { TrainingShapes } from './graph/artifacts';
import { SeededRandom } from '../core/rng';
import type { StepReport } from './graph/trainer';
import {
  DEFAULT_GUARDRAIL_POLICY,
  afterFiniteStep,
  classifyTrainingError,
  decide,
  initialGuardrailState,
  type GuardrailPolicy,
  type GuardrailState,
  type Notice,
} from './rounds/guardrails';
import { RunStoppedError } from './rounds/errors';
import { asTuningCheckpoint, type TuningCheckpoint, type TuningCursor } from './checkpoints/data';
import { NoTrainingDataError, TrainingHaltedError } from './errors';

/** The part of onnx/training's Trainer the loop drives (fakes in tests). */
export interface TrainerLike {
  lrScale: number;
  readonly step: number;
  readonly learningRate: number;
  trainStep(batch: ReturnType<typeof makeBatch>): Promise<StepReport>;
  flush(): Promise<Omit<StepReport, 'loss'> | undefined>;
  checkpoint(extra?: unknown): Promise<Checkpoint>;
  release(): Promise<void>;
}

export interface TrainerRequest {
  readonly batchSize: number;
  readonly accumulation: number;
  /** Start from these tensors, moments and step (absent: the untrained initial values). */
  readonly resume?: TuningCheckpoint;
}

export type CreateTrainer = (
  request: TrainerRequest,
) => Promise<{ trainer: TrainerLike; shapes: TrainingShapes }>;

export type LoopEvent =
  | {
      readonly kind: 'step';
      /** Optimizer steps in all (continues across runs that resumed from each other). */
      readonly step: number;
      readonly runStep: number;
      readonly epoch: number;
      /** Mean loss of the step's micro-batches (before the update). */
      readonly loss: number;
      readonly lr: number;
      readonly gradNorm: number | null;
    }
  | { readonly kind: 'notice'; readonly notice: Notice }
  /** The run went back to `step` (after a lost device): points after it are void. */
  | { readonly kind: 'rewind'; readonly step: number }
  | { readonly kind: 'batch-size'; readonly batchSize: number; readonly accumulation: number };

export interface SavedCheckpoint {
  readonly checkpoint: TuningCheckpoint;
  readonly bytes: Uint8Array;
}

export interface TuningLoopOptions {
  readonly runId: string;
  readonly samples: readonly TrainingSample[];
  readonly special: SpecialTokens;
  readonly epochs: number;
  readonly seed: number;
  readonly batchSize: number;
  readonly accumulation: number;
  readonly checkpointEvery: number;
  readonly guardrails?: GuardrailPolicy;
  /**
   * Where to start: `continues` picks up the same run at the checkpoint's cursor (after a reload); otherwise
   * the checkpoint only gives the starting tensors (checkpoint-data.ts warmStartFrom) and the run begins at
   * epoch 0. Absent: the untrained initial values.
   */
  readonly start?: { readonly checkpoint: TuningCheckpoint; readonly continues: boolean };
  readonly control: { yieldPoint(): Promise<void> };
  readonly createTrainer: CreateTrainer;
  readonly onEvent: (event: LoopEvent) => void;
  /** Awaited: the checkpoint is stored before training goes on. */
  readonly onCheckpoint: (saved: SavedCheckpoint) => Promise<void>;
}

export interface TuningLoopResult {
  readonly final: SavedCheckpoint;
  readonly runSteps: number;
  readonly lastLoss: number | null;
}

/** Where a lost device sends the run back to. */
interface RestartPoint {
  readonly checkpoint: TuningCheckpoint | undefined;
  readonly cursor: TuningCursor;
  readonly runSteps: number;
  readonly loss: number | null;
}

export function epochPermutation(samples: number, seed: number, epoch: number): number[] {
  // The same mixing of seed and epoch as onnx/training/batches.ts epochOrder.
  return new SeededRandom((seed * 7919 + epoch * 104729) >>> 0).permutation(samples);
}

export async function runTuningLoop(options: TuningLoopOptions): Promise<TuningLoopResult> {
  const { samples, special, epochs, control, onEvent } = options;
  if (samples.length === 0) throw new NoTrainingDataError('There is nothing to train on.');
  const policy = options.guardrails ?? DEFAULT_GUARDRAIL_POLICY;
  const resume = options.start?.checkpoint;
  const continuing = resume !== undefined && options.start?.continues === true;

  let guard: GuardrailState = continuing
    ? resume.extra.guard
    : initialGuardrailState(options.batchSize, options.accumulation);
  let cursor: TuningCursor = continuing ? resume.extra.cursor : { epoch: 0, offset: 0 };
  let runSteps = continuing ? resume.extra.runSteps : 0;
  let lastLoss: number | null = continuing ? resume.extra.loss : null;
  let restart: RestartPoint = { checkpoint: resume, cursor, runSteps, loss: lastLoss };
  let lastSavedStep = resume?.step ?? 0;

  let handle = await options.createTrainer({
    batchSize: guard.batchSize,
    accumulation: guard.accumulation,
    ...(resume ? { resume } : {}),
  });
  handle.trainer.lrScale = guard.lrScale;
  let groupLosses: number[] = [];
  let pendingMicro = 0;

  const save = async (kind: 'interval' | 'final'): Promise<SavedCheckpoint> => {
    const raw = await handle.trainer.checkpoint({
      runId: options.runId,
      cursor,
      guard,
      kind,
      loss: lastLoss,
      runSteps,
    });
    const saved = { checkpoint: asTuningCheckpoint(raw), bytes: encodeCheckpoint(raw) };
    await options.onCheckpoint(saved);
    lastSavedStep = raw.step;
    restart = { checkpoint: saved.checkpoint, cursor, runSteps, loss: lastLoss };
    return saved;
  };

  const afterUpdate = async (report: Omit<StepReport, 'loss'>): Promise<void> => {
    pendingMicro = 0;
    const losses = groupLosses;
    groupLosses = [];
    if (!report.updated) return;
    guard = afterFiniteStep(guard);
    runSteps++;
    lastLoss = losses.length > 0 ? losses.reduce((a, b) => a + b, 0) / losses.length : lastLoss;
    onEvent({
      kind: 'step',
      step: report.step,
      runStep: runSteps,
      epoch: cursor.epoch,
      loss: lastLoss ?? NaN,
      lr: report.lr ?? handle.trainer.learningRate,
      gradNorm: report.gradNorm ?? null,
    });
    if (report.step % options.checkpointEvery === 0) await save('interval');
  };

  const nonFinite = (loss: number): void => {
    const decision = decide({ kind: 'non-finite-loss', step: handle.trainer.step + 1, loss }, guard, policy);
    guard = decision.state;
    onEvent({ kind: 'notice', notice: decision.notice });
    if (decision.action.kind === 'stop') throw new TrainingHaltedError(decision.notice.message);
    handle.trainer.lrScale = guard.lrScale;
  };

  const replaceTrainer = async (request: TrainerRequest): Promise<void> => {
    await handle.trainer.release().catch(() => undefined);
    handle = await options.createTrainer(request);
    handle.trainer.lrScale = guard.lrScale;
    groupLosses = [];
    pendingMicro = 0;
  };

  const recover = async (error: unknown): Promise<void> => {
    const kind = classifyTrainingError(error);
    if (kind === null) throw error;
    if (kind === 'out-of-memory') {
      const decision = decide({ kind: 'out-of-memory', detail: String(error) }, guard, policy);
      onEvent({ kind: 'notice', notice: decision.notice });
      if (decision.action.kind === 'stop') throw new TrainingHaltedError(decision.notice.message);
      // Keep what was learned since the last update: apply the partial accumulation, then carry the state over.
      if (pendingMicro > 0) await afterUpdate((await handle.trainer.flush())!);
      const current = asTuningCheckpoint(
        await handle.trainer.checkpoint({
          runId: options.runId,
          cursor,
          guard,
          kind: 'interval',
          loss: lastLoss,
          runSteps,
        }),
      );
      guard = decision.state;
      await replaceTrainer({ batchSize: guard.batchSize, accumulation: guard.accumulation, resume: current });
      onEvent({ kind: 'batch-size', batchSize: guard.batchSize, accumulation: guard.accumulation });
      return;
    }
    const last = restart.checkpoint;
    const decision = decide(
      {
        kind: 'device-lost',
        detail: String(error),
        lastCheckpoint:
          last && last.extra.runId === options.runId ? { id: String(last.step), step: last.step } : null,
      },
      guard,
      policy,
    );
    onEvent({ kind: 'notice', notice: decision.notice });
    if (decision.action.kind === 'stop') throw new TrainingHaltedError(decision.notice.message);
    guard = decision.state;
    cursor = restart.cursor;
    runSteps = restart.runSteps;
    lastLoss = restart.loss;
    await replaceTrainer({
      batchSize: guard.batchSize,
      accumulation: guard.accumulation,
      ...(restart.checkpoint ? { resume: restart.checkpoint } : {}),
    });
    onEvent({ kind: 'rewind', step: restart.checkpoint?.step ?? 0 });
  };

  try {
    let order = { epoch: -1, ids: [] as number[] };
    while (cursor.epoch < epochs) {
      while (cursor.offset < samples.length) {
        await control.yieldPoint();
        // A lost device may have sent the cursor back into an earlier epoch.
        if (order.epoch !== cursor.epoch)
          order = { epoch: cursor.epoch, ids: epochPermutation(samples.length, options.seed, cursor.epoch) };
        const ids = order.ids.slice(cursor.offset, cursor.offset + guard.batchSize);
        let report: StepReport;
        try {
          const batch = makeBatch(
            ids.map((i) => samples[i]!),
            handle.shapes,
            special,
          );
          report = await handle.trainer.trainStep(batch);
        } catch (error) {
          await recover(error);
          continue;
        }
        cursor = { epoch: cursor.epoch, offset: cursor.offset + ids.length };
        if (!Number.isFinite(report.loss)) {
          nonFinite(report.loss);
          continue;
        }
        groupLosses.push(report.loss);
        pendingMicro++;
        if (report.skipped) {
          // The update's gradient norm was not finite: the trainer dropped the whole group.
          pendingMicro = 0;
          groupLosses = [];
          nonFinite(report.gradNorm ?? NaN);
        } else if (report.updated) {
          await afterUpdate(report);
        }
      }
      // The end of an epoch that is not a multiple of the accumulation still makes a step.
      if (pendingMicro > 0) {
        const report = await handle.trainer.flush();
        if (report?.skipped) nonFinite(report.gradNorm ?? NaN);
        else if (report) await afterUpdate(report);
      }
      cursor = { epoch: cursor.epoch + 1, offset: 0 };
    }
    const final = await save('final');
    return { final, runSteps, lastLoss };
  } catch (error) {
    // Stop keeps every step done: one more checkpoint when the last one is behind and no group is half done.
    if (error instanceof RunStoppedError && pendingMicro === 0 && handle.trainer.step > lastSavedStep)
      await save('interval');
    throw error;
  } finally {
    await handle.trainer.release().catch(() => undefined);
  }
}
